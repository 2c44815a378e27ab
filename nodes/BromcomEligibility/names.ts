/**
 * Generate Account Names: one account name per incoming person (a student or member of staff from
 * Bromcom, or any item), unique against the existing names given, the same on every run. Kept items
 * get `account: { username, email, ouPath, givenName, familyName, status }`, ready for the Google
 * Workspace Admin or Microsoft Entra ID nodes; a person the pattern cannot name goes to Excluded.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	assignNames,
	baseName,
	patternError,
	safeName,
	type NamePerson,
} from '../Bromcom/core/accountNames';
import { invalid } from '../Bromcom/n8n/settings';

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());

/** Existing names as a list, comma-separated text, or emails; `name=ID` names the owner. */
export function existingNames(value: unknown): Map<string, string> {
	const entries = Array.isArray(value) ? value : text(value).split(',');
	const out = new Map<string, string>();
	for (const entry of entries) {
		const raw =
			typeof entry === 'object' && entry !== null
				? text((entry as IDataObject).name ?? (entry as IDataObject).primaryEmail)
				: text(entry);
		if (raw === '') continue;
		const [name, owner = ''] = raw.split('=');
		const local = name.trim().toLowerCase().split('@')[0];
		if (local) out.set(local, owner.trim());
	}
	return out;
}

export function generateNames(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
): { kept: INodeExecutionData[]; excluded: INodeExecutionData[] } {
	const pattern = text(ctx.getNodeParameter('pattern', 0, ''));
	const error = patternError(pattern);
	if (error) throw invalid(`Pattern: ${error}`);
	const domain = text(ctx.getNodeParameter('domain', 0, ''))
		.replace(/^@/, '')
		.toLowerCase();
	if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain))
		throw invalid(`Domain "${domain}" is not a domain name, for example northfield.sch.uk.`);
	const maxLength = Number(ctx.getNodeParameter('maxLength', 0, 20));
	const ouPattern = text(ctx.getNodeParameter('ouPath', 0, ''));
	const existing = existingNames(ctx.getNodeParameter('existingNames', 0, ''));
	const people: NamePerson[] = items.map((_, i) => {
		const value = (name: string) => ctx.getNodeParameter(`person_${name}`, i, '') as unknown;
		const id = text(value('id'));
		if (id === '')
			throw invalid(
				`[item ${i}] Person ID is empty: map it to the Bromcom StudentID or StaffID, which keeps each person's name stable.`,
			);
		const schoolId = text(value('schoolId'));
		return {
			id,
			...(schoolId ? { schoolId } : {}),
			firstName: value('firstName'),
			preferredFirstName: value('preferredFirstName'),
			lastName: value('lastName'),
			middleName: value('middleName'),
			yearGroup: value('yearGroup'),
			startDate: value('startDate'),
			admissionNumber: value('admissionNumber'),
			upn: value('upn'),
			staffCode: value('staffCode'),
		};
	});
	const seen = new Map<string, number>();
	people.forEach((p, i) => {
		const key = p.schoolId ? `${p.schoolId}:${p.id}` : p.id;
		if (seen.has(key))
			throw invalid(
				`[item ${i}] Person ID ${p.id}${p.schoolId ? ` at school ${p.schoolId}` : ''} is also item ${seen.get(key)}: each person must come once (for people of several schools, map School ID).`,
			);
		seen.set(key, i);
	});
	const results = assignNames(people, { pattern, maxLength }, existing, new Date());
	const kept: INodeExecutionData[] = [];
	const excluded: INodeExecutionData[] = [];
	results.forEach((r, i) => {
		const p = people[i];
		if (r.name === '') {
			excluded.push({
				json: {
					...items[i].json,
					excludedReasons: [
						{
							code: 'NAME_EMPTY',
							message: `the pattern ${pattern} gives an empty name for this person (the fields it uses are empty)`,
						},
					],
				},
				pairedItem: { item: i },
			});
			return;
		}
		const ouPath = ouPattern.replace(/\{([A-Za-z]+)\}/g, (_m, token: string) => {
			const v =
				token === 'yearGroup'
					? text(p.yearGroup)
					: baseName(p, { pattern: `{${token}}`, maxLength: 64 }, new Date());
			return v;
		});
		kept.push({
			json: {
				...items[i].json,
				account: {
					username: r.name,
					email: `${r.name}@${domain}`,
					ouPath: ouPath || '/',
					givenName: text(p.preferredFirstName) || text(p.firstName),
					familyName: text(p.lastName),
					status: r.status,
					baseName: r.base,
					safeFirstName: safeName(p.preferredFirstName) || safeName(p.firstName),
				},
			},
			pairedItem: { item: i },
		});
	});
	return { kept, excluded };
}
