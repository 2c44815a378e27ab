/**
 * SOAP 1.1 request envelopes for Bromcom's ASMX services, with the exact element names and casing of
 * the service contract (docs/bromcom-facts.md, Operations and parameters: the 2017 read WSDL). ASMX's XmlSerializer matches
 * element names case-sensitively and silently ignores unknown ones, so a wrong case would not fail
 * loudly: it would send an empty parameter. Hence one catalogue, checked against the WSDL in tests.
 *
 * The credential's username and password are not known here. The envelope carries placeholders that
 * only the credential's `authenticate` replaces (see credentials/BromcomMisApi.credentials.ts). They are
 * XML comments, which user values can never contain once escaped (`<` always becomes `&lt;`), so no
 * user input can make the password appear elsewhere in the request.
 */
import { escapeXml, hasInvalidXmlChars } from './xml';
import { BromcomError } from './errors';

export const SOAP_NAMESPACE = 'http://tempuri.org/';
export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';

export const SERVICE_PATHS = {
	read: '/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx',
	write: '/Nucleus/WebServices/ThirdParty/TPWriteDataService.asmx',
} as const;

export type ServiceName = keyof typeof SERVICE_PATHS;

export const CREDENTIAL_PLACEHOLDERS = {
	schoolId: '<!--bromcom:schoolId-->',
	username: '<!--bromcom:username-->',
	password: '<!--bromcom:password-->',
} as const;

/**
 * Puts the credential's values into an envelope's placeholders, XML-escaped. Replacement functions,
 * not strings: a password containing "$&" must arrive as typed. The credential's `authenticate` and
 * the credential test both use this one function.
 */
export function fillCredentialPlaceholders(
	body: string,
	credentials: { schoolId?: unknown; username?: unknown; password?: unknown },
): string {
	return body
		.replace(CREDENTIAL_PLACEHOLDERS.schoolId, () =>
			escapeXml(String(credentials.schoolId ?? '').trim()),
		)
		.replace(CREDENTIAL_PLACEHOLDERS.username, () => escapeXml(String(credentials.username ?? '')))
		.replace(CREDENTIAL_PLACEHOLDERS.password, () => escapeXml(String(credentials.password ?? '')));
}

export type ParamType = 'int' | 'string' | 'decimal' | 'dateTime';

export interface OperationSpec {
	service: ServiceName;
	/** Parameters in contract order. `username`/`password` are filled by the credential. */
	params: ReadonlyArray<readonly [name: string, type: ParamType]>;
}

/**
 * Read operations: names and order from the WSDL (S4). Write operations: from Bromcom's partner
 * documentation (S1) and a live client (S7); the write service uses `schoolId`, not `schoolID`
 * (docs/bromcom-facts.md, Operations and parameters, defines the tags).
 */
export const OPERATIONS = {
	findEntitiesBySchoolID: {
		service: 'read',
		params: [
			['schoolID', 'int'],
			['username', 'string'],
			['password', 'string'],
		],
	},
	getEntityDataBySchoolID: {
		service: 'read',
		params: [
			['schoolID', 'int'],
			['entityName', 'string'],
			['entityFilter', 'string'],
			['username', 'string'],
			['password', 'string'],
		],
	},
	// Write service: parameter names and order from S1 (documented) and S7 (live client). Note `schoolId`.
	updateDinnerBalance: {
		service: 'write',
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['personId', 'int'],
			['amount', 'decimal'],
		],
	},
	saveDinnerTransaction: {
		service: 'write',
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['personId', 'int'],
			['transactionDetails', 'string'],
			['amount', 'decimal'],
			['remainingBalance', 'decimal'],
			['instant', 'dateTime'],
			['transactionType', 'string'],
			['externalId', 'int'],
		],
	},
	registerSingleSignOnUser: {
		service: 'write',
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['userId', 'int'],
			['emailAddress', 'string'],
			['ssoProvider', 'string'],
		],
	},
	deregisterSingleSignOnUser: {
		service: 'write',
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['userId', 'int'],
			['emailAddress', 'string'],
		],
	},
	// The documented assessment write's name is UNKNOWN (docs/bromcom-facts.md, Operations and parameters); this one is assumed and can be
	// overridden in the node (Options › SOAP Operation Name) once a real WSDL confirms it.
	saveStudentAssessmentResult: {
		service: 'write',
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['studentResultID', 'int'],
			['studentID', 'int'],
			['assessmentTypeID', 'int'],
			['termID', 'int'],
			['yearGroupID', 'int'],
			['subjectID', 'int'],
			['result', 'string'],
			['resultDate', 'dateTime'],
		],
	},
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;

export function soapAction(operation: string): string {
	return `"${SOAP_NAMESPACE}${operation}"`;
}

export type ParamValue = string | number | undefined;

function formatParam(name: string, type: ParamType, value: ParamValue): string {
	if (name === 'username') return CREDENTIAL_PLACEHOLDERS.username;
	if (name === 'password') return CREDENTIAL_PLACEHOLDERS.password;
	if (value === undefined || value === null) {
		if (type === 'int') {
			throw new BromcomError({
				kind: 'invalidInput',
				message: `${name} is required.`,
				notSent: true,
			});
		}
		return '';
	}
	if (type === 'int') {
		const n = typeof value === 'number' ? value : Number(String(value).trim());
		if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
			throw new BromcomError({
				kind: 'invalidInput',
				message: `${name} must be a whole number, got "${String(value)}".`,
				notSent: true,
			});
		}
		return String(n);
	}
	const text = String(value);
	if (type === 'decimal' && !/^-?\d+(\.\d+)?$/.test(text)) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `${name} must be a decimal number, got "${text}".`,
			notSent: true,
		});
	}
	if (type === 'dateTime' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(text)) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `${name} must be a date and time (YYYY-MM-DDTHH:MM:SS), got "${text}".`,
			notSent: true,
		});
	}
	if (hasInvalidXmlChars(text)) {
		throw new BromcomError({
			kind: 'invalidInput',
			message: `${name} contains a control character that cannot be sent in XML.`,
			notSent: true,
		});
	}
	return escapeXml(text);
}

/**
 * Builds the SOAP 1.1 request for an operation. `schoolID`/`schoolId` left undefined is filled from
 * the credential's School ID.
 */
export function buildEnvelope(
	operation: string,
	spec: OperationSpec,
	values: Record<string, ParamValue>,
): string {
	const body = spec.params
		.map(([name, type]) => {
			const isSchool = name === 'schoolID' || name === 'schoolId';
			const text =
				isSchool && values[name] === undefined
					? CREDENTIAL_PLACEHOLDERS.schoolId
					: formatParam(name, type, values[name]);
			return `<${name}>${text}</${name}>`;
		})
		.join('');
	return (
		'<?xml version="1.0" encoding="utf-8"?>' +
		`<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="${SOAP11_ENVELOPE_NS}">` +
		`<soap:Body><${operation} xmlns="${SOAP_NAMESPACE}">${body}</${operation}></soap:Body></soap:Envelope>`
	);
}

export function serviceUrl(baseUrl: string, service: ServiceName): string {
	return baseUrl.replace(/\/+$/, '') + SERVICE_PATHS[service];
}
