const { parseDataSet, DataSetReader, convert } = require('../../nodes/Bromcom/core/wire/dataset');
const { parseFault, notADataSet } = require('../../nodes/Bromcom/core/wire/fault');
const { BromcomError } = require('../../nodes/Bromcom/core/wire/errors');
const asmx = require('../../sandbox/asmx');
const { oracleParse } = require('../helpers/oracle');

const SCHEMA_OPEN =
	'<xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"><xs:element name="NewDataSet" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded"><xs:element name="Table"><xs:complexType><xs:sequence>';
const SCHEMA_CLOSE =
	'</xs:sequence></xs:complexType></xs:element></xs:choice></xs:complexType></xs:element></xs:schema>';
const DIFF_OPEN =
	'<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1"><NewDataSet xmlns="">';
const DIFF_CLOSE = '</NewDataSet></diffgr:diffgram>';

function soap11(op, inner) {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><${op}Response xmlns="http://tempuri.org/"><${op}Result>${inner}</${op}Result></${op}Response></soap:Body></soap:Envelope>`;
}

function col(name, type, extra = '') {
	return `<xs:element name="${name}"${extra} type="${type}" minOccurs="0" />`;
}

describe('DataSet extractor: ASMX shapes', () => {
	test('one-line findEntitiesBySchoolID response (S8 shape), rows in order', () => {
		const xml = soap11(
			'findEntitiesBySchoolID',
			`${SCHEMA_OPEN}${col('EntityName', 'xs:string')}${SCHEMA_CLOSE}${DIFF_OPEN}<Table diffgr:id="Table1" msdata:rowOrder="0"><EntityName>Addresses</EntityName></Table><Table diffgr:id="Table2" msdata:rowOrder="1"><EntityName>Students</EntityName></Table>${DIFF_CLOSE}`,
		);
		const ds = parseDataSet(xml);
		expect(ds.dataSetName).toBe('NewDataSet');
		expect(ds.columns.map((c) => c.name)).toEqual(['EntityName']);
		expect(ds.rows).toEqual([{ EntityName: 'Addresses' }, { EntityName: 'Students' }]);
	});

	test('typed columns: int, decimal with scale, double, boolean, dateTime with offset, Guid; NULLs omitted become null', () => {
		const schema =
			col('StudentID', 'xs:int') +
			col('Balance', 'xs:decimal') +
			col('Ratio', 'xs:double') +
			col('Active', 'xs:boolean') +
			col('StartDate', 'xs:dateTime') +
			col('EndDate', 'xs:dateTime') +
			col(
				'PersonGUID',
				'xs:string',
				' msdata:DataType="System.Guid, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089"',
			) +
			col('Big', 'xs:long') +
			col('Precise', 'xs:decimal');
		const row =
			'<StudentID>1234</StudentID><Balance>12.50</Balance><Ratio>95.5</Ratio><Active>false</Active><StartDate>2019-09-04T00:00:00+01:00</StartDate>' +
			'<PersonGUID>0f8fad5b-d9cb-469f-a165-70867728950e</PersonGUID><Big>9007199254740993</Big><Precise>12345678901234.5678</Precise>';
		const ds = parseDataSet(
			soap11(
				'getEntityDataBySchoolID',
				`${SCHEMA_OPEN}${schema}${SCHEMA_CLOSE}${DIFF_OPEN}<Table diffgr:id="Table1" msdata:rowOrder="0">${row}</Table>${DIFF_CLOSE}`,
			),
		);
		expect(ds.rows[0]).toEqual({
			StudentID: 1234,
			Balance: 12.5,
			Ratio: 95.5,
			Active: false,
			StartDate: '2019-09-04T00:00:00+01:00',
			EndDate: null,
			PersonGUID: '0f8fad5b-d9cb-469f-a165-70867728950e',
			// No silent precision loss: values a JS number cannot hold exactly stay text.
			Big: '9007199254740993',
			Precise: '12345678901234.5678',
		});
		expect(ds.columns.find((c) => c.name === 'PersonGUID').dataType).toMatch(/^System\.Guid/);
		expect(Object.keys(ds.rows[0])).toEqual(ds.columns.map((c) => c.name));
	});

	test('empty result: schema with a self-closing diffgram gives columns and zero rows', () => {
		const ds = parseDataSet(
			soap11(
				'getEntityDataBySchoolID',
				`${SCHEMA_OPEN}${col('StudentID', 'xs:int')}${SCHEMA_CLOSE}<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1" />`,
			),
		);
		expect(ds.columns.map((c) => c.name)).toEqual(['StudentID']);
		expect(ds.rows).toEqual([]);
	});

	test('xml:space="preserve", empty string, entities, numeric references, CDATA and encoded names', () => {
		const schema =
			col('First_x0020_Name', 'xs:string') +
			col('Notes', 'xs:string') +
			col('Empty', 'xs:string') +
			col('Pad', 'xs:string') +
			col('Raw', 'xs:string');
		const row =
			'<First_x0020_Name>O&apos;Brien &amp; Siân</First_x0020_Name><Notes>a &lt;b&gt; &#233;&#x1F600;&#xD;&#xA;c</Notes><Empty /><Pad xml:space="preserve">   </Pad><Raw><![CDATA[<not a tag> & ]]>tail</Raw>';
		const ds = parseDataSet(
			soap11(
				'getEntityDataBySchoolID',
				`${SCHEMA_OPEN}${schema}${SCHEMA_CLOSE}${DIFF_OPEN}<Table diffgr:id="Table1" msdata:rowOrder="0">${row}</Table>${DIFF_CLOSE}`,
			),
		);
		expect(ds.rows[0]).toEqual({
			'First Name': "O'Brien & Siân",
			Notes: 'a <b> é😀\r\nc',
			Empty: '',
			Pad: '   ',
			Raw: '<not a tag> & tail',
		});
	});

	test('SOAP 1.2 envelope and the HTTP POST <DataSet> wrapper parse the same', () => {
		const result = {
			type: 'dataset',
			columns: [
				['StudentID', 'int'],
				['LastName', 'string'],
			],
			rows: [
				{ StudentID: 1, LastName: "O'Brien" },
				{ StudentID: 2, LastName: null },
			],
		};
		const rows = (binding) =>
			parseDataSet(
				[...asmx.responseChunks(binding, 'getEntityDataBySchoolID', result, 'uk-local')].join(''),
			).rows;
		const expected = [
			{ StudentID: 1, LastName: "O'Brien" },
			{ StudentID: 2, LastName: null },
		];
		expect(rows('soap11')).toEqual(expected);
		expect(rows('soap12')).toEqual(expected);
		expect(rows('form')).toEqual(expected);
	});

	test('pretty-printed documents (whitespace between elements) read like one-line ones', () => {
		const xml = `<DataSet xmlns="http://tempuri.org/">\r\n  ${SCHEMA_OPEN}${col('A', 'xs:int')}${SCHEMA_CLOSE}\n  <diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1">\n    <NewDataSet xmlns="">\n      <Table diffgr:id="Table1" msdata:rowOrder="0">\n        <A>7</A>\n      </Table>\n    </NewDataSet>\n  </diffgr:diffgram>\n</DataSet>`;
		expect(parseDataSet(xml).rows).toEqual([{ A: 7 }]);
	});

	test('diffgr:before sections describe old versions and are not rows', () => {
		const xml = `${SCHEMA_OPEN}${col('A', 'xs:int')}${SCHEMA_CLOSE}${DIFF_OPEN}<Table diffgr:id="Table1" msdata:rowOrder="0" diffgr:hasChanges="modified"><A>2</A></Table></NewDataSet><diffgr:before><Table diffgr:id="Table1" msdata:rowOrder="0"><A>1</A></Table></diffgr:before></diffgr:diffgram>`;
		expect(parseDataSet(xml).rows).toEqual([{ A: 2 }]);
	});

	test('a column absent from the schema is kept as text, not dropped', () => {
		const xml = `${SCHEMA_OPEN}${col('A', 'xs:int')}${SCHEMA_CLOSE}${DIFF_OPEN}<Table diffgr:id="Table1" msdata:rowOrder="0"><A>1</A><Surprise>x</Surprise></Table>${DIFF_CLOSE}`;
		expect(parseDataSet(xml).rows).toEqual([{ A: 1, Surprise: 'x' }]);
	});

	test('a column declared through a simpleType restriction is typed by its base', () => {
		const schema =
			'<xs:element name="Code" minOccurs="0"><xs:simpleType><xs:restriction base="xs:int"><xs:maxInclusive value="99" /></xs:restriction></xs:simpleType></xs:element>' +
			col('Name', 'xs:string');
		const ds = parseDataSet(
			`${SCHEMA_OPEN}${schema}${SCHEMA_CLOSE}${DIFF_OPEN}<Table diffgr:id="Table1" msdata:rowOrder="0"><Code>42</Code><Name>x</Name></Table>${DIFF_CLOSE}`,
		);
		expect(ds.rows).toEqual([{ Code: 42, Name: 'x' }]);
	});
});

describe('DataSet extractor: bad payloads are typed errors', () => {
	const good = soap11(
		'getEntityDataBySchoolID',
		`${SCHEMA_OPEN}${col('A', 'xs:int')}${col('B', 'xs:string')}${SCHEMA_CLOSE}${DIFF_OPEN}<Table diffgr:id="Table1" msdata:rowOrder="0"><A>1</A><B>x</B></Table><Table diffgr:id="Table2" msdata:rowOrder="1"><A>2</A></Table>${DIFF_CLOSE}`,
	);

	function expectKind(xml, kind, pattern) {
		let caught;
		try {
			parseDataSet(xml);
		} catch (e) {
			caught = e;
		}
		expect(caught).toBeInstanceOf(BromcomError);
		expect(caught.kind).toBe(kind);
		if (pattern) expect(caught.message).toMatch(pattern);
	}

	test('truncated at every position: never wrong rows, always a typed error or the full result', () => {
		for (let cut = 0; cut < good.length; cut++) {
			let rows;
			try {
				rows = parseDataSet(good.slice(0, cut)).rows;
			} catch (e) {
				expect(e).toBeInstanceOf(BromcomError);
				continue;
			}
			// A prefix can only parse if everything up to the diffgram close is there.
			expect(rows).toEqual([
				{ A: 1, B: 'x' },
				{ A: 2, B: null },
			]);
		}
		// Cut off mid-data is transient (a re-read can fix it); a complete answer without data is not.
		expectKind(
			good.slice(0, good.indexOf('<Table diffgr:id="Table2"') + 30),
			'transient',
			/cut off after 1 row/,
		);
	});

	test('mismatched tags are rejected', () => {
		expectKind(
			good.replace('<B>x</B>', '<B>x</C>'),
			'unexpectedPayload',
			/Malformed value for <B>/,
		);
		expectKind(good.replace('</Table>', '</Tabel>'), 'unexpectedPayload', /Mismatched closing tag/);
	});

	test('an unknown entity reference is rejected', () => {
		expectKind(
			good.replace('<B>x</B>', '<B>&nbsp;</B>'),
			'unexpectedPayload',
			/Invalid character reference/,
		);
	});

	test('HTML login page, IIS error page and empty body say what they are', () => {
		expectKind(
			'<!DOCTYPE html><html><head><title>Bromcom - Log In</title></head><body><input type="password"></body></html>',
			'unexpectedPayload',
			/login page/,
		);
		expectKind('<html><body><h1>Server Error</h1></body></html>', 'unexpectedPayload', /web page/);
		expectKind('', 'unexpectedPayload', /empty/);
		expectKind('{"error":"not xml"}', 'unexpectedPayload', /answered with JSON instead of SOAP/);
		expectKind('plain words', 'unexpectedPayload', /not a SOAP DataSet/);
	});

	test('SOAP 1.1 and 1.2 faults are read and classified', () => {
		const f11 = asmx.faultXml('1.1', 'Server', 'Invalid username or password.');
		expect(parseFault(f11)).toEqual({
			version: '1.1',
			code: 'soap:Server',
			text: 'Server was unable to process request. ---> Invalid username or password.',
			detail: undefined,
		});
		const e11 = notADataSet(f11);
		expect(e11.kind).toBe('credentials');
		expect(e11.message).toBe('Invalid username or password.');
		const f12 = asmx.faultXml('1.2', 'Server', "Invalid column name 'Foo'.");
		expect(parseFault(f12)).toMatchObject({
			version: '1.2',
			code: 'soap:Receiver',
			text: "Server was unable to process request. ---> Invalid column name 'Foo'.",
		});
		expect(notADataSet(f12).kind).toBe('badFilter');
	});
});

describe('streaming', () => {
	test('any chunking gives the same rows as one pass, and rows are emitted before the end', () => {
		const rows = Array.from({ length: 300 }, (_, i) => ({
			StudentID: i,
			LastName: i % 7 === 0 ? null : `Name & ${i} <x>`,
			Active: i % 2 === 0,
			StartDate: Date.UTC(2024, 8, 1 + (i % 20)),
		}));
		const xml = [
			...asmx.responseChunks(
				'soap11',
				'getEntityDataBySchoolID',
				{
					type: 'dataset',
					columns: [
						['StudentID', 'int'],
						['LastName', 'string'],
						['Active', 'bit'],
						['StartDate', 'datetime'],
					],
					rows,
				},
				'uk-local',
			),
		].join('');
		const whole = parseDataSet(xml).rows;
		expect(whole).toHaveLength(300);
		for (const size of [1, 7, 64, 1000, 4096]) {
			const reader = new DataSetReader();
			const got = [];
			let firstAt = -1;
			for (let i = 0; i < xml.length; i += size) {
				const out = reader.write(xml.slice(i, i + size));
				if (out.length && firstAt === -1) firstAt = i;
				got.push(...out);
			}
			reader.end();
			expect(got).toEqual(whole);
			expect(firstAt).toBeLessThan(xml.length / 2);
		}
		expect(whole).toEqual(oracleParse(xml).rows);
	});
});

describe('convert', () => {
	test.each([
		['42', 'integer', 42],
		['-0', 'integer', -0],
		[' 42', 'integer', ' 42'],
		['100000.0000', 'decimal', 100000],
		['0.1', 'decimal', 0.1],
		['1234567890123456', 'decimal', '1234567890123456'],
		['INF', 'float', 'INF'],
		['1E+21', 'float', 1e21],
		['1', 'boolean', true],
		['yes', 'boolean', 'yes'],
	])('%s as %s', (text, kind, expected) => {
		expect(convert(text, /** @type {any} */ (kind))).toEqual(expected);
	});
});

describe('fidelity: what a real .NET DataSet can carry', () => {
	const doc = (schema, rows) =>
		soap11(
			'getEntityDataBySchoolID',
			`${SCHEMA_OPEN}${schema}${SCHEMA_CLOSE}${DIFF_OPEN}${rows}${DIFF_CLOSE}`,
		);
	const chunkedRows = (xml, size) => {
		const r = new DataSetReader();
		const out = [];
		for (let i = 0; i < xml.length; i += size)
			for (const row of r.write(xml.slice(i, i + size))) out.push(row);
		r.end();
		return out;
	};
	const bothWays = (xml) => {
		const one = parseDataSet(xml).rows;
		for (const size of [1, 2, 3, 7, 64]) expect(chunkedRows(xml, size)).toEqual(one);
		return one;
	};

	test('xsi:nil="true" reads as null, for strings, numbers and dates alike', () => {
		const xml = doc(
			col('A', 'xs:string') + col('B', 'xs:int') + col('C', 'xs:dateTime'),
			'<Table diffgr:id="Table1" msdata:rowOrder="0"><A xsi:nil="true" /><B xsi:nil="true"/><C xsi:nil=\'true\'></C></Table><Table diffgr:id="Table2" msdata:rowOrder="1"><A></A><B>2</B></Table>',
		);
		expect(bothWays(xml)).toEqual([
			{ A: null, B: null, C: null },
			{ A: '', B: 2, C: null },
		]);
	});

	test('one rule per column type: long is always a string, decimals ignore trailing zeros', () => {
		const xml = doc(
			col('Big', 'xs:long') + col('Money', 'xs:decimal') + col('Small', 'xs:int'),
			'<Table><Big>9007199254740993</Big><Money>12.50</Money><Small>1</Small></Table><Table><Big>1</Big><Money>12.5000000000000000000</Money><Small>-2</Small></Table><Table><Money>1234567890123.4567</Money></Table>',
		);
		expect(bothWays(xml)).toEqual([
			{ Big: '9007199254740993', Money: 12.5, Small: 1 },
			{ Big: '1', Money: 12.5, Small: -2 },
			{ Big: null, Money: '1234567890123.4567', Small: null },
		]);
	});

	test('a duplicated column declaration keeps the value; __proto__ is an ordinary column', () => {
		const xml = doc(
			col('A', 'xs:string') + col('A', 'xs:string') + col('__proto__', 'xs:string'),
			'<Table><A>x</A><__proto__>p</__proto__></Table>',
		);
		const rows = bothWays(xml);
		expect(rows[0].A).toBe('x');
		expect(Object.getOwnPropertyDescriptor(rows[0], '__proto__').value).toBe('p');
		expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
	});

	test('schema tags are read as XML is: ">" in a quoted value is text; a broken attribute list or a column declared twice differently is a malformed schema', () => {
		// A ">" inside a quoted attribute is legal XML: the type after it still counts.
		const caption = doc(
			col('A', 'xs:int', ' msdata:Caption="A > B"') + col('B', 'xs:string'),
			'<Table><A>7</A><B>x</B></Table>',
		);
		expect(bothWays(caption)).toEqual([{ A: 7, B: 'x' }]);
		expect(oracleParse(caption).rows).toEqual([{ A: 7, B: 'x' }]);
		// A comment in the schema is text, whatever it holds: no column is declared inside one.
		const commented = doc(
			col('A', 'xs:int') +
				'<!-- was: <xs:element name="Ghost" type="xs:int" /> when a < b --><?note <x?>' +
				col('B', 'xs:string'),
			'<Table><A>7</A><B>x</B></Table>',
		);
		expect(parseDataSet(commented).columns.map((c) => c.name)).toEqual(['A', 'B']);
		expect(bothWays(commented)).toEqual([{ A: 7, B: 'x' }]);
		expect(oracleParse(commented).rows).toEqual([{ A: 7, B: 'x' }]);
		const malformed = (schema) => {
			const xml = doc(schema + col('B', 'xs:string'), '<Table><A>7</A><B>x</B></Table>');
			for (const read of [() => parseDataSet(xml), () => bothWays(xml)]) {
				let caught;
				try {
					read();
				} catch (e) {
					caught = e;
				}
				expect(caught).toBeInstanceOf(BromcomError);
				expect(caught.message).toMatch(/inline schema of the Bromcom response is malformed/);
			}
		};
		// No whitespace between attributes (the type would have been dropped: A read as text).
		malformed('<xs:element name="A"type="xs:int" minOccurs="0" />');
		malformed('<xs:element name="A" t ype="xs:int" minOccurs="0" />');
		// An unquoted value, a repeated attribute, a "<" in a value, an unknown entity.
		malformed('<xs:element name="A" type=xs:int minOccurs="0" />');
		malformed('<xs:element name="A" type="xs:string" type="xs:int" minOccurs="0" />');
		malformed('<xs:element name="A" type="xs:int" msdata:Caption="a<b" minOccurs="0" />');
		malformed('<xs:element name="A" type="xs:int" msdata:Caption="&nbsp;" minOccurs="0" />');
		// The same column twice with another type: no reading of it is right.
		malformed(col('A', 'xs:int') + col('A', 'xs:string'));
		malformed(col('A', 'xs:int') + '<xs:element name="A" minOccurs="0" />');
	});

	test('a row tag with an unbalanced quote reads the same whatever the chunking (found by npm run fuzz -- --seed 47527)', () => {
		// The compiled row pattern used to take `<Table a"b="1">` as a tag while the scanner (used when a
		// row is split across chunks) waited for the quote to close: the same bytes were accepted or
		// rejected depending on where a chunk ended.
		const xml = doc(
			col('A', 'xs:int'),
			'<Table diffgr:id="Table1"><A>0</A></Table><Table diffTable2" msdata:rowOrder="1"></Table><Table><A>1</A></Table>',
		);
		const outcome = (read) => {
			try {
				return { rows: read() };
			} catch (e) {
				expect(e).toBeInstanceOf(BromcomError);
				return { error: e.kind };
			}
		};
		const one = outcome(() => parseDataSet(xml).rows);
		for (const size of [1, 2, 3, 7, 64, xml.length])
			expect(outcome(() => chunkedRows(xml, size))).toEqual(one);
		expect(one.error).toBeDefined();
	});

	test('comments and processing instructions between elements, ">" in an attribute, "</x >" are well-formed and read', () => {
		const xml = doc(
			col('A', 'xs:string') + col('B', 'xs:int'),
			'<!-- first --><Table note="a>b" diffgr:id="Table1"><?pi x?><A>one</A ><!-- c --><B>1</B></Table ><?bromcom?><Table><A>t<!-- in -->wo</A></Table>',
		);
		expect(bothWays(xml)).toEqual([
			{ A: 'one', B: 1 },
			{ A: 'two', B: null },
		]);
		expect(oracleParse(xml).rows).toEqual([
			{ A: 'one', B: 1 },
			{ A: 'two', B: null },
		]);
	});

	test('a chunk that ends inside <![CDATA[ or <!-- waits for the rest', () => {
		const xml = doc(
			col('A', 'xs:string'),
			'<Table><A><![CDATA[a<b]]></A></Table><Table><A>x<!-- y --></A></Table>',
		);
		for (const cut of [xml.indexOf('<![CDATA[') + 3, xml.indexOf('<!--') + 2]) {
			const r = new DataSetReader();
			const rows = [...r.write(xml.slice(0, cut)), ...r.write(xml.slice(cut))];
			r.end();
			expect(rows).toEqual([{ A: 'a<b' }, { A: 'x' }]);
		}
	});

	test('_xHHHH_ names of any value: a real character decoded, no character kept as sent', () => {
		const xml = doc(
			col('A_x0020_B', 'xs:string') +
				col('C_xD800_', 'xs:string') +
				col('D_xFFFFFFFF_', 'xs:string') +
				col('E_x0001F600_', 'xs:string'),
			'<Table><A_x0020_B>1</A_x0020_B><C_xD800_>2</C_xD800_><D_xFFFFFFFF_>3</D_xFFFFFFFF_><E_x0001F600_>4</E_x0001F600_></Table>',
		);
		expect(bothWays(xml)).toEqual([{ 'A B': '1', C_xD800_: '2', D_xFFFFFFFF_: '3', 'E😀': '4' }]);
	});
});
