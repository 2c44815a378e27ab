/**
 * A read's items as an AI agent receives them (core/agent.ts says what, this file reads what it needs):
 *
 * 1. Consent: where the school's lawful basis is Consent (Schools.DataProtectionLawfulBasis; not
 *    recorded, or not readable, counts as Consent), only people with Data Processing Consent. A row
 *    carrying the flag (a contact, People, StudentFlatView) is decided by it; a row that names a
 *    student is checked against StudentFlatView's flag (docs/bromcom-facts.md, Entities and columns),
 *    one naming staff or another person against People's. Bromcom itself withholds unconsented
 *    students and staff from third parties under that basis (its third-party guide); this holds where
 *    it does not (contacts, and the Partner API, are unknown there). The author may turn it off.
 * 2. The minimum: the operation's agent fields, unless the author chose Fields to Return.
 * 3. An empty answer says so, rather than handing the model an empty string.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { agentView, peopleNamed, withConsent, type PeopleNamed } from '../core/agent';
import { flag, lawfulBasisIsConsent } from '../core/eligibility';
import { CANDIDATES, field } from '../core/people';
import { BromcomError } from '../core/wire/errors';
import { fieldsOption, itemSettings, type ItemSettings } from '../n8n/settings';
import { read, readByIds } from './read';
import type { AgentSpec, Shared } from './types';

export const NO_RECORDS = 'Bromcom returned no matching records.';

const LAWFUL_BASIS = ['DataProtectionLawfulBasis', 'LawfulBasis', 'LawfulBasisForProcessing'];

async function lawfulBasisConsent(
	ctx: IExecuteFunctions,
	settings: ItemSettings,
	shared: Shared,
): Promise<boolean> {
	const key = String(settings.schoolId ?? 'credential');
	shared.lawfulBasisConsent ??= new Map();
	let pending = shared.lawfulBasisConsent.get(key);
	if (!pending) {
		pending = read(ctx, 'Schools', '', settings).then(
			(data) => lawfulBasisIsConsent(field(data.rows[0] ?? {}, LAWFUL_BASIS)),
			// Not readable: taken as Consent, the basis that hands the agent the fewest people.
			() => true,
		);
		shared.lawfulBasisConsent.set(key, pending);
	}
	return await pending;
}

/** A failed consent read, saying what it was for and the two ways out. */
function consentNotChecked(entity: string, error: unknown): unknown {
	if (!(error instanceof BromcomError)) return error;
	return error.mapText((text) =>
		text === error.message
			? `Could not check Data Processing Consent before answering the agent (reading ${entity}): ${text.replace(/\.$/, '')}. Grant this account ${entity} in Bromcom, or turn off Only People With Consent on this tool. Nothing was handed to the agent`
			: text,
	);
}

/** The people among `ids` whose `entity` row has Data Processing Consent granted. */
async function grantedAmong(
	ctx: IExecuteFunctions,
	entity: string,
	column: string,
	ids: Set<number>,
	settings: ItemSettings,
): Promise<Set<number>> {
	const granted = new Set<number>();
	if (ids.size === 0) return granted;
	let rows: Awaited<ReturnType<typeof readByIds>> = [];
	let failure: unknown;
	try {
		rows = await readByIds(ctx, entity, column, [...ids], settings);
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) throw consentNotChecked(entity, failure);
	for (const row of rows)
		if (flag(field(row, CANDIDATES.consent))) granted.add(Number(row[column]));
	return granted;
}

/** A read's rows for item `i`, as the agent is to receive them. */
export async function forTheAgent(
	ctx: IExecuteFunctions,
	i: number,
	agent: AgentSpec,
	rows: IDataObject[],
	shared: Shared,
): Promise<IDataObject[]> {
	let out = rows;
	if (ctx.getNodeParameter('agentConsentOnly', i, true) !== false && rows.length > 0) {
		const settings = itemSettings(ctx, i);
		if (await lawfulBasisConsent(ctx, settings, shared)) {
			const named = peopleNamed(rows);
			const granted: PeopleNamed = {
				students: await grantedAmong(ctx, 'StudentFlatView', 'StudentID', named.students, settings),
				staff: await grantedAmong(ctx, 'People', 'PersonID', named.staff, settings),
				persons: await grantedAmong(ctx, 'People', 'PersonID', named.persons, settings),
			};
			out = withConsent(out, granted).rows as IDataObject[];
		}
	}
	out = agentView(out, agent.fields, fieldsOption(ctx, i)) as IDataObject[];
	return out.length > 0 ? out : [{ message: NO_RECORDS }];
}
