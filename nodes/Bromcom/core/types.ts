/**
 * Plain data as the core hands it to the n8n side. Structurally the same as n8n-workflow's
 * IDataObject (whose values include `object`), so items built from it need no casts, while the core
 * stays free of n8n imports (a lint rule in eslint.config.mjs keeps it so).
 */
export type PlainValue = string | number | boolean | null | undefined | object;

export interface PlainObject {
	[key: string]: PlainValue;
}
