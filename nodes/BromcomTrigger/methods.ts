/** The trigger's pickers: the entity list is the node's; columns follow Watch (and Entity for Any Entity). */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { columnOptions, entityParameter } from '../Bromcom/methods';
import { watchOf } from './watches';

export { searchEntities } from '../Bromcom/methods';

export async function getColumns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const watch = String(this.getCurrentNodeParameter('watch') ?? '');
	return await columnOptions(
		this,
		watch === 'entity' ? entityParameter(this) : watchOf(watch)?.entity.name,
	);
}
