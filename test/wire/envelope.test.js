const fs = require('node:fs');
const path = require('node:path');
const { XMLParser } = require('fast-xml-parser');
const {
	OPERATIONS,
	buildEnvelope,
	soapAction,
	serviceUrl,
	CREDENTIAL_PLACEHOLDERS,
} = require('../../nodes/Bromcom/core/wire/envelope');
const { BromcomMisApi } = require('../../credentials/BromcomMisApi.credentials');

// The real service's public WSDL lives in the project's shared reference folder (beside the clone);
// it is reference data and is not copied into this repository.
const REFERENCE_WSDL = path.resolve(
	__dirname,
	'../../../shared/reference/TPReadOnlyDataService.wsdl',
);
const haveReference = fs.existsSync(REFERENCE_WSDL);

function wsdlOperations(xml) {
	const doc = new XMLParser({
		ignoreAttributes: false,
		attributeNamePrefix: '',
		removeNSPrefix: true,
		isArray: (n) => ['element', 'operation', 'binding'].includes(n),
	}).parse(xml);
	const schema = doc.definitions.types.schema;
	const out = {};
	for (const el of schema.element) {
		const seq = el.complexType && el.complexType.sequence;
		out[el.name] =
			seq && seq.element
				? seq.element.map((e) => ({ name: e.name, type: e.type, minOccurs: e.minOccurs }))
				: [];
	}
	const actions = {};
	for (const binding of doc.definitions.binding) {
		for (const op of binding.operation)
			if (op.operation && op.operation[0] && op.operation[0].soapAction)
				actions[op.name] = op.operation[0].soapAction;
	}
	return { elements: out, actions };
}

// The real WSDL lives beside the project (../shared/reference), not in a user's clone: without it these
// tests are counted as skipped, with the reason in their names, instead of passing silently.
describe('read operations match the real service WSDL (shared/reference)', () => {
	const { elements, actions } = haveReference
		? wsdlOperations(fs.readFileSync(REFERENCE_WSDL, 'utf8'))
		: { elements: {}, actions: {} };
	const contract = haveReference ? test : test.skip;
	if (!haveReference) test.skip(`skipped: ${REFERENCE_WSDL} is not beside this clone`, () => {});
	for (const [operation, spec] of Object.entries(OPERATIONS)) {
		if (spec.service !== 'read') continue;
		contract(`${operation}: element names, order, casing and types`, () => {
			expect(elements[operation]).toBeDefined();
			expect(spec.params.map((p) => p[0])).toEqual(elements[operation].map((e) => e.name));
			expect(spec.params.map(([, type]) => `s:${type}`)).toEqual(
				elements[operation].map((e) => e.type),
			);
			expect(soapAction(operation)).toBe(`"${actions[operation]}"`);
			expect(elements[`${operation}Response`][0].name).toBe(`${operation}Result`);
		});
	}
});

describe('envelopes', () => {
	test('SOAP 1.1 envelope with tempuri-qualified parameters, escaped values and credential placeholders', () => {
		const xml = buildEnvelope('getEntityDataBySchoolID', OPERATIONS.getEntityDataBySchoolID, {
			schoolID: 20001,
			entityName: 'Students',
			entityFilter: "LastName = 'O''Brien' AND x < 3 & y > 2",
		});
		expect(xml).toContain(
			'<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">',
		);
		expect(xml).toContain(
			'<getEntityDataBySchoolID xmlns="http://tempuri.org/"><schoolID>20001</schoolID><entityName>Students</entityName>',
		);
		expect(xml).toContain(
			'<entityFilter>LastName = &apos;O&apos;&apos;Brien&apos; AND x &lt; 3 &amp; y &gt; 2</entityFilter>',
		);
		expect(xml).toContain(
			`<username>${CREDENTIAL_PLACEHOLDERS.username}</username><password>${CREDENTIAL_PLACEHOLDERS.password}</password>`,
		);
		const parsed = new XMLParser({
			removeNSPrefix: true,
			parseTagValue: false,
			processEntities: true,
		}).parse(xml);
		expect(parsed.Envelope.Body.getEntityDataBySchoolID.entityFilter).toBe(
			"LastName = 'O''Brien' AND x < 3 & y > 2",
		);
	});

	test('school ID left out is filled from the credential; invalid values never reach the wire', () => {
		expect(
			buildEnvelope('findEntitiesBySchoolID', OPERATIONS.findEntitiesBySchoolID, {}),
		).toContain(`<schoolID>${CREDENTIAL_PLACEHOLDERS.schoolId}</schoolID>`);
		expect(() =>
			buildEnvelope('findEntitiesBySchoolID', OPERATIONS.findEntitiesBySchoolID, {
				schoolID: '12a',
			}),
		).toThrow(/whole number/);
		expect(() =>
			buildEnvelope('findEntitiesBySchoolID', OPERATIONS.findEntitiesBySchoolID, {
				schoolID: 2 ** 31,
			}),
		).toThrow(/whole number/);
		expect(() =>
			buildEnvelope('getEntityDataBySchoolID', OPERATIONS.getEntityDataBySchoolID, {
				schoolID: 1,
				entityName: 'a\u0000',
			}),
		).toThrow(/control character/);
	});

	test('a user value can never contain a credential placeholder', () => {
		const xml = buildEnvelope('getEntityDataBySchoolID', OPERATIONS.getEntityDataBySchoolID, {
			schoolID: 1,
			entityName: CREDENTIAL_PLACEHOLDERS.password,
			entityFilter: '',
		});
		expect(xml.split(CREDENTIAL_PLACEHOLDERS.password)).toHaveLength(2);
	});

	test('service URLs', () => {
		expect(serviceUrl('https://cloudmis.bromcom.com/', 'read')).toBe(
			'https://cloudmis.bromcom.com/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx',
		);
		expect(serviceUrl('https://bromcom.scomis.org', 'write')).toBe(
			'https://bromcom.scomis.org/Nucleus/WebServices/ThirdParty/TPWriteDataService.asmx',
		);
	});
});

describe('credential authenticate', () => {
	const credential = new BromcomMisApi();
	const body = buildEnvelope('findEntitiesBySchoolID', OPERATIONS.findEntitiesBySchoolID, {});

	test('puts escaped secrets into the body exactly once each, literally (even "$&" patterns)', async () => {
		const password = 'p$&a<s>s"\'$1$$';
		const out = await credential.authenticate(
			{ schoolId: 20001, username: 'o&brien', password, hosting: 'cloud' },
			{ url: 'x', method: 'POST', body },
		);
		expect(out.body).toContain(
			'<schoolID>20001</schoolID><username>o&amp;brien</username><password>p$&amp;a&lt;s&gt;s&quot;&apos;$1$$</password>',
		);
		const parsed = new XMLParser({
			removeNSPrefix: true,
			parseTagValue: false,
			processEntities: true,
			htmlEntities: true,
		}).parse(String(out.body));
		expect(parsed.Envelope.Body.findEntitiesBySchoolID.password).toBe(password);
		expect(out.skipSslCertificateValidation).toBeUndefined();
	});

	test("Ignore SSL Issues sets n8n's option; non-string bodies are left alone", async () => {
		const out = await credential.authenticate(
			{ schoolId: 1, username: 'u', password: 'p', ignoreSslIssues: true },
			{ url: 'x', body },
		);
		expect(out.skipSslCertificateValidation).toBe(true);
		const json = { url: 'x', body: { a: 1 } };
		expect(await credential.authenticate({ password: 'p' }, json)).toBe(json);
	});

	test('the credential has no declarative test: every node tests it with a real findEntitiesBySchoolID (test/node/credential-test.test.js)', () => {
		expect(/** @type {any} */ (credential).test).toBeUndefined();
	});
});
