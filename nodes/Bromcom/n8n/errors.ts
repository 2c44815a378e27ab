/**
 * The n8n side of errors: which Bromcom screen or node field fixes each kind, the n8n error a user
 * sees (NodeApiError / NodeOperationError with `[item N]`), and the one item shape Continue On Fail
 * emits. The core (`core/`) only classifies; the words for the editor live here.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { BromcomError, withoutErrorCodes, type BromcomErrorKind } from '../core/wire/errors';

/** Where in Bromcom (or in the node) the user fixes each kind of error. */
export const FIX_HINTS: Record<BromcomErrorKind, string> = {
	credentials:
		'Check the School ID, Username and Password in the Bromcom MIS API credential. In Bromcom the third-party user lives under Modules > Setup > System Users: it must be enabled, have the Third Party role, and its password must not have expired.',
	school:
		'Check the School ID (in the credential or the node). It is the numeric Bromcom School ID shown in Modules > Setup > School Details, not the DfE number.',
	entityNotPermitted:
		'Ask the school to tick this entity for the third-party user under Modules > Setup > Third Party Access Permissions & Logs. Accounts start with no entity permissions.',
	unknownEntity:
		'Check the entity name. Use the Entity resource with its list to see exactly which entities this account may read (Bromcom adds entities over time).',
	badFilter:
		'Check the filter: field names must be columns of the entity and values must match the column type. Use the guided filter builder, or a Bromcom column list from the Entity resource.',
	writeNotPermitted:
		'Write-back needs the Third Party Write Licence and the write permission for this user: Config > Setup > Roles and Permissions > System Security > Security Settings > Third Party Write Back.',
	badRequest:
		'Bromcom could not read the request. Check that School ID is a whole number and that the Hosting / Base URL points at a Bromcom server.',
	serviceFault: '',
	transient:
		'Bromcom or the network was temporarily unavailable. The node retries these automatically; if it keeps failing, try again later or raise the timeout under Options.',
	unexpectedPayload:
		'The server did not answer like a Bromcom SOAP service. Check the Hosting / Base URL in the credential (for example https://cloudmis.bromcom.com) and that the school is hosted there.',
	invalidInput: 'Correct the highlighted node field.',
	unknownOutcome:
		"Check in Bromcom whether the change is there (for example on the student's record or Modules > Setup > Third Party Access Permissions & Logs). Then re-run: the node checks Bromcom first where it can, and otherwise only resends if Options > Resend Unknown Outcome is on.",
	notFound:
		"Check the ID (it must be the Bromcom ID of a record in this school, for example StudentID), or use Get Many to find it. Records outside the school's permitted data are not visible to the third-party user.",
};

/** The same, where the Partner API (REST) route says otherwise. */
export const PARTNER_FIX_HINTS: Partial<Record<BromcomErrorKind, string>> = {
	credentials:
		'Check the Application ID and Application Secret in the Bromcom Partner API credential: they are issued by Bromcom to the partner application, not by the school.',
	school:
		'Check the School ID (in the credential or the node), and that this school has installed the application: in Bromcom, Config > Setup > Partner Applications, the application must show Status = Installed.',
	entityNotPermitted:
		'The school has not granted this application the endpoint. In Bromcom, Config > Setup > Partner Applications > (the application) > Manage shows the scope: Grant it, then Proceed.',
	unknownEntity:
		'Check the entity name: the Partner API path is /v2/<Entity>. The Entity picker lists the names known to work; over the Partner API it cannot check which ones this school granted.',
	writeNotPermitted:
		'The school has not granted this application write access to the endpoint (Config > Setup > Partner Applications > Manage), or the write needs a licence from Bromcom.',
	unexpectedPayload:
		'The server did not answer like the Bromcom Partner API. Check the Base URL in the Bromcom Partner API credential (normally https://api.bromcomcloud.com).',
	badRequest:
		'The Partner API could not read the request. Check the School ID and the filter, and that the Base URL is the Partner API.',
};

/** The fix for an error, for the route it came from. */
export function fixHint(error: BromcomError): string {
	return (
		(error.route === 'rest' ? PARTNER_FIX_HINTS[error.kind] : undefined) ?? FIX_HINTS[error.kind]
	);
}

const FAILURE_CAUSE: Partial<
	Record<
		BromcomErrorKind,
		'credential-invalid' | 'configuration-invalid' | 'temporarily-unavailable'
	>
> = {
	credentials: 'credential-invalid',
	school: 'configuration-invalid',
	entityNotPermitted: 'configuration-invalid',
	unknownEntity: 'configuration-invalid',
	badFilter: 'configuration-invalid',
	writeNotPermitted: 'configuration-invalid',
	transient: 'temporarily-unavailable',
};

export interface ErrorContext {
	itemIndex?: number;
	/** The school the request was for ("from the credential" when the node left it empty). */
	school?: string;
	/** What the node was doing, for the description: "listing the entities this account may read". */
	action?: string;
}

/**
 * Turns a BromcomError into the n8n error the user sees: what happened (with Bromcom's own text) and
 * for which school, which screen or field fixes it, and `[item N]` through n8n's itemIndex. The error
 * object holds only this sanitised data.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	context: ErrorContext = {},
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof BromcomError)) {
		return new NodeOperationError(node, error instanceof Error ? error.message : String(error), {
			itemIndex: context.itemIndex,
		});
	}
	const where = context.school ? ` (school ${context.school})` : '';
	const message = withoutErrorCodes(
		error.kind === 'invalidInput' ? error.message : `${error.message.replace(/\.$/, '')}${where}.`,
	);
	const description = [
		context.action ? `While ${context.action}.` : '',
		fixHint(error),
		error.faultText && error.faultText !== error.message ? `Bromcom said: ${error.faultText}` : '',
	]
		.filter(Boolean)
		.join('\n\n');
	if (error.kind === 'invalidInput') {
		return new NodeOperationError(node, message, { itemIndex: context.itemIndex, description });
	}
	const cause = FAILURE_CAUSE[error.kind];
	return new NodeApiError(
		node,
		{
			message,
			kind: error.kind,
			faultCode: error.faultCode ?? null,
			httpCode: error.httpCode ?? null,
		} as JsonObject,
		{
			message,
			description,
			itemIndex: context.itemIndex,
			httpCode: error.httpCode === undefined ? undefined : String(error.httpCode),
			...(cause ? { failure: { cause } } : {}),
		},
	);
}

/**
 * The item Continue On Fail emits for a failed input item, in every node: the message, the
 * description (what to fix) and the item it came from.
 */
export function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): { json: { error: string; details: string | null }; pairedItem: { item: number } } {
	return {
		json: { error: error.message, details: error.description ?? null },
		pairedItem: { item: itemIndex },
	};
}

/**
 * n8n's "Custom API Call" option (`__CUSTOM_API_CALL__`), which n8n adds to the Resource and Operation
 * lists of a node whose credential signs requests. It is n8n's pointer to the HTTP Request node, not an
 * operation: this package's nodes declare their versions so that n8n no longer adds it (Bromcom.node.ts,
 * BromcomEligibility.node.ts), and a workflow saved with it gets this error instead of n8n's "Could not
 * get parameter".
 */
export const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

export function customApiCallError(node: INode, itemIndex = 0): NodeOperationError {
	return new NodeOperationError(
		node,
		'Custom API Call is not an operation of this node: choose one of its operations.',
		{
			itemIndex,
			description:
				"To call a Bromcom endpoint the node does not cover, add n8n's HTTP Request node with Authentication: Predefined Credential Type and Credential Type: Bromcom Partner API. It sends the Application ID and Secret as headers to https://api.bromcomcloud.com/v2/<Entity>?schoolId=<School ID>.",
		},
	);
}
