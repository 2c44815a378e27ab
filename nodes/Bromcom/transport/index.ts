/**
 * The transport's one front door: `clientFor(ctx)` (client.ts) resolves the route, credential and
 * school once and returns the client every read, write and entity list goes through; soap.ts (SOAP
 * third-party services) and rest.ts (the Partner API) are the two routes behind it. The credential
 * tests (n8n/authentication.ts) use the routes' tester connections directly, as n8n hands a test only
 * the decrypted credential.
 */
export {
	AUTHENTICATION,
	clientFor,
	credentialSchoolId,
	credentialTypeOf,
	CREDENTIAL_TYPE,
	PARTNER_CREDENTIAL_TYPE,
	resolveBaseUrl,
	routeOf,
	type BromcomClient,
	type Route,
	type WriteAnswer,
	type WriteCall,
} from './client';
export { credentialTestConnection, findEntitiesWith, responseError } from './soap';
export {
	DEFAULT_TIMEOUT_MS,
	secretsOf,
	streamExchange,
	type BromcomContext,
	type CallOptions,
	type Connection,
	type ReadOptions,
	type ResponseBody,
	type StreamedDataSet,
} from './http';
