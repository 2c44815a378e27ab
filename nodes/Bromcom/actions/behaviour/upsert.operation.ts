import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { read } from '../read';
import { dateTime, id, validate } from '../../core/validate';
import { performWrite } from '../write';
import { buildFilter, type FilterCondition } from '../../core/wire/filter';
import type { AgentSpec } from '../types';
import { required, writeDate, writeDescription } from '../write.descriptions';

/**
 * Behaviour › Create or Update: `POST /v2/BehaviourEventRecords` on the Partner API, the only REST
 * write seen in a public client (docs/bromcom-facts.md, Partner API). Bromcom's SOAP write service has
 * no behaviour write. Body keys and formats as that client sends them: camelCase keys, the School ID
 * in the body, `eventDate` in UTC with milliseconds and `Z`, absent class and location sent as 0.
 */
export const agent: AgentSpec = {
	description:
		"Records a behaviour event for a student in Bromcom, or changes one (write-back). Returns the write's status; unless the workflow allows this tool to write, it is a dry run that writes nothing.",
};

export const description = writeDescription('behaviour', 'upsert', agent, [
	{
		displayName:
			'Records a behaviour event in Bromcom, or changes one (write-back). Partner API only: in the Credential field, choose a Bromcom Partner API credential (the node then uses the Partner API). Bromcom offers no behaviour write over SOAP.',
		name: 'partnerOnlyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Event Record ID',
		name: 'eventRecordId',
		type: 'string',
		default: '0',
		description: 'The Bromcom EventRecordID to update, or 0 to add a new behaviour event',
	},
	required('Student ID', 'studentId', 'string', 'The Bromcom StudentID'),
	required(
		'Behaviour Event ID',
		'eventId',
		'string',
		'The Bromcom EventID of the behaviour type (for example Excellent Work), from the BehaviourEvents entity',
	),
	required('Owner ID', 'ownerId', 'string', 'The Bromcom ID of the staff member recording it'),
	...writeDate(
		'Event Date',
		'eventDate',
		'={{ $now.toISO() }}',
		'When it happened. Sent to Bromcom in UTC.',
	),
	{
		displayName: 'Points',
		name: 'adjustment',
		type: 'number',
		default: 0,
		description:
			'Points added (positive) or taken away (negative); normally the points of the behaviour type',
	},
	{
		displayName: 'Class ID',
		name: 'classId',
		type: 'string',
		default: '',
		description: 'The Bromcom ID of the class it happened in, if any',
	},
	{
		displayName: 'Location ID',
		name: 'locationId',
		type: 'string',
		default: '',
		description: 'The Bromcom LocationID of the room, if any',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		default: '',
		description: 'Shown to parents and students where the school shares behaviour',
	},
	{
		displayName: 'Internal Comment',
		name: 'internalComment',
		type: 'string',
		default: '',
		description: 'Seen by staff only',
	},
]);

const optionalId = (label: string) =>
	z
		.union([z.string(), z.number()])
		.transform((v) => String(v).trim())
		.pipe(
			z.union([z.literal('').transform(() => 0), z.literal('0').transform(() => 0), id(label)]),
		);

const text = (label: string) =>
	z
		.string()
		.transform((v) => v.trim())
		.refine((v) => v.length <= 2000, `${label} must be at most 2000 characters`)
		.transform((v) => (v === '' ? null : v));

const schema = z.object({
	eventRecordId: z.coerce
		.number({ invalid_type_error: 'Event Record ID must be a number' })
		.int('Event Record ID must be a whole number')
		.min(0, 'Event Record ID must be 0 (new) or a Bromcom ID'),
	studentId: id('Student ID'),
	eventId: id('Behaviour Event ID'),
	ownerId: id('Owner ID'),
	classId: optionalId('Class ID'),
	locationId: optionalId('Location ID'),
	eventDate: dateTime('Event Date'),
	adjustment: z.coerce
		.number({ invalid_type_error: 'Points must be a number' })
		.int('Points must be a whole number')
		.min(-1000, 'Points must be between -1000 and 1000')
		.max(1000, 'Points must be between -1000 and 1000'),
	comment: text('Comment'),
	internalComment: text('Internal Comment'),
});

/** The moment as UTC `yyyy-MM-ddTHH:mm:ss.fffZ`; a date and time without an offset is taken as UTC. */
function utcStamp(input: unknown, validated: string): string {
	const raw = typeof input === 'string' ? input.trim() : '';
	const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(raw);
	const ms = Date.parse(hasOffset ? raw : `${validated}Z`);
	return new Date(ms).toISOString();
}

export const sequential = true;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const rawDate = this.getNodeParameter('eventDate', i) as unknown;
	const input = validate(
		schema,
		{
			eventRecordId: this.getNodeParameter('eventRecordId', i, '0'),
			studentId: this.getNodeParameter('studentId', i),
			eventId: this.getNodeParameter('eventId', i),
			ownerId: this.getNodeParameter('ownerId', i),
			classId: this.getNodeParameter('classId', i, ''),
			locationId: this.getNodeParameter('locationId', i, ''),
			eventDate: rawDate,
			adjustment: this.getNodeParameter('adjustment', i, 0),
			comment: String(this.getNodeParameter('comment', i, '') ?? ''),
			internalComment: String(this.getNodeParameter('internalComment', i, '') ?? ''),
		},
		description,
	);
	const eventDate = utcStamp(rawDate, input.eventDate);
	const body = {
		studentId: input.studentId,
		eventRecordId: input.eventRecordId,
		eventId: input.eventId,
		ownerId: input.ownerId,
		classId: input.classId,
		locationId: input.locationId,
		eventDate,
		adjustment: input.adjustment,
		comment: input.comment,
		internalComment: input.internalComment,
	};
	return [
		await performWrite(this, i, {
			catalog: 'BehaviourEventRecords',
			rest: { entity: 'BehaviourEventRecords', body },
			values: body,
			target: {
				studentId: input.studentId,
				eventId: input.eventId,
				eventRecordId: input.eventRecordId,
			},
			// Bromcom already holds it when a record of this student has the same type, points, owner
			// and comment on the same day (or, for an update, the record already reads so).
			readBack: async (settings) => {
				const conditions: FilterCondition[] = [
					{ field: 'StudentID', operator: 'equals', value: input.studentId, type: 'number' },
					{ field: 'EventID', operator: 'equals', value: input.eventId, type: 'number' },
					{ field: 'Adjustment', operator: 'equals', value: input.adjustment, type: 'number' },
				];
				if (input.eventRecordId > 0)
					conditions.push({
						field: 'EventRecordID',
						operator: 'equals',
						value: input.eventRecordId,
						type: 'number',
					});
				const rows = (
					await read(
						this,
						'BehaviourEventRecords',
						buildFilter({ combinator: 'and', conditions }),
						settings,
					)
				).rows;
				const day = eventDate.slice(0, 10);
				return rows.some(
					(r) =>
						String(r.EventDate ?? '').slice(0, 10) === day &&
						(r.OwnerID === undefined || Number(r.OwnerID) === input.ownerId) &&
						(String(r.Comment ?? '').trimEnd() || null) === input.comment,
				);
			},
		}),
	];
}
