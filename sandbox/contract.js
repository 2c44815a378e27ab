'use strict';
/**
 * What the sandbox's services are: their operations with parameter names and types in contract order,
 * the demo accounts, the fault texts (configurable) and the fault error every part throws.
 */

const SERVICE_PATH = '/nucleus/webservices/thirdparty/';

/** Operations each service answers, with parameter names in contract order (docs/bromcom-facts.md, Operations and parameters). */
const READ_OPERATIONS = {
	findEntities: {
		params: [
			['username', 'string'],
			['password', 'string'],
		],
		returns: 'dataset',
	},
	findEntitiesBySchoolID: {
		params: [
			['schoolID', 'int'],
			['username', 'string'],
			['password', 'string'],
		],
		returns: 'dataset',
	},
	findEntitiesBySchoolIDAsXml: {
		params: [
			['schoolID', 'int'],
			['username', 'string'],
			['password', 'string'],
		],
		returns: 'string',
	},
	getEntityData: {
		params: [
			['entityName', 'string'],
			['entityFilter', 'string'],
			['username', 'string'],
			['password', 'string'],
		],
		returns: 'dataset',
	},
	getEntityDataBySchoolID: {
		params: [
			['schoolID', 'int'],
			['entityName', 'string'],
			['entityFilter', 'string'],
			['username', 'string'],
			['password', 'string'],
		],
		returns: 'dataset',
	},
	getEntityDataBySchoolIDAsXml: {
		params: [
			['schoolID', 'int'],
			['entityName', 'string'],
			['entityFilter', 'string'],
			['username', 'string'],
			['password', 'string'],
		],
		returns: 'string',
	},
	testDatabaseConnection: { params: [['schoolID', 'int']], returns: 'boolean' },
};

const WRITE_OPERATIONS = {
	updateDinnerBalance: {
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['personId', 'int'],
			['amount', 'decimal'],
		],
		returns: 'boolean',
	},
	saveDinnerTransaction: {
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
		returns: 'int',
	},
	registerSingleSignOnUser: {
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['userId', 'int'],
			['emailAddress', 'string'],
			['ssoProvider', 'string'],
		],
		returns: 'boolean',
	},
	deregisterSingleSignOnUser: {
		params: [
			['schoolId', 'int'],
			['username', 'string'],
			['password', 'string'],
			['userId', 'int'],
			['emailAddress', 'string'],
		],
		returns: 'boolean',
	},
	saveStudentAssessmentResult: {
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
		returns: 'int',
	},
};

const SERVICES = {
	tpreadonlydataservice: {
		name: 'TPReadOnlyDataService',
		path: 'TPReadOnlyDataService.asmx',
		operations: READ_OPERATIONS,
	},
	tpwritedataservice: {
		name: 'TPWriteDataService',
		path: 'TPWriteDataService.asmx',
		operations: WRITE_OPERATIONS,
	},
};

/** Demo accounts, the same in every school and size. */
const DEFAULT_ACCOUNTS = [
	{
		username: 'sandbox',
		password: 'sandbox',
		entities: '*',
		write: true,
		note: 'every read entity and all write permissions',
	},
	{
		username: 'readonly',
		password: 'readonly',
		entities: '*',
		write: false,
		note: 'every read entity, no write-back',
	},
	{
		username: 'limited',
		password: 'limited',
		entities: ['Schools', 'Students', 'StudentFlatView'],
		write: false,
		note: 'only Schools, Students and StudentFlatView',
	},
	{
		username: 'noaccess',
		password: 'noaccess',
		entities: [],
		write: false,
		note: 'no entity permissions (a newly created third-party user)',
	},
];

/** Fault texts: Bromcom's real ones are UNKNOWN (docs/bromcom-facts.md, Errors); these are plausible and configurable. */
const DEFAULT_MESSAGES = {
	badCredentials: 'Invalid username or password.',
	unknownSchool: (id) => `School with ID ${id} was not found.`,
	entityNotPermitted: (entity) => `You do not have permission to access entity '${entity}'.`,
	unknownEntity: (entity) => `Invalid object name '${entity}'.`,
	writeNotPermitted:
		'Third party write access is not permitted for this user. A Third Party Write Licence is required.',
};

class FaultError extends Error {
	constructor(message, { code = 'Server', raw = false, http = 500 } = {}) {
		super(message);
		this.code = code;
		this.raw = raw;
		this.http = http;
	}
}

/**
 * Partner applications the sandbox knows (Partner API). `schools`/`entities` are what the schools
 * granted ('*' = all); `write` = the write scope for BehaviourEventRecords.
 */
const DEFAULT_APPLICATIONS = [
	{
		applicationId: 'sandbox-app',
		applicationSecret: 'sandbox-app-secret',
		schools: '*',
		entities: '*',
		write: true,
		note: 'granted everything by every school, including the behaviour write',
	},
	{
		applicationId: 'readonly-app',
		applicationSecret: 'readonly-app-secret',
		schools: '*',
		entities: '*',
		write: false,
		note: 'every read endpoint, no write',
	},
	{
		applicationId: 'limited-app',
		applicationSecret: 'limited-app-secret',
		schools: '*',
		entities: ['Schools', 'Students', 'StudentFlatView'],
		write: false,
		note: 'only Schools, Students and StudentFlatView',
	},
];

module.exports = {
	DEFAULT_APPLICATIONS,
	SERVICE_PATH,
	READ_OPERATIONS,
	WRITE_OPERATIONS,
	SERVICES,
	DEFAULT_ACCOUNTS,
	DEFAULT_MESSAGES,
	FaultError,
};
