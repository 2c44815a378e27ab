/**
 * The descriptions of the Bromcom node, the trigger and the eligibility node, as n8n loads them: a saved workflow keeps
 * only the parameters a user changed, so a parameter's name, default, displayOptions or a node's
 * versions and outputs are a contract with every workflow already saved. A change here shows in the
 * snapshot's diff in review; make it on purpose (usually with a new node version), then `npx jest -u`.
 */
const { Bromcom } = require('../../nodes/Bromcom/Bromcom.node');
const { BromcomTrigger } = require('../../nodes/BromcomTrigger/BromcomTrigger.node');
const { BromcomEligibility } = require('../../nodes/BromcomEligibility/BromcomEligibility.node');

/** The description as n8n would read it (JSON: what a loaded node type carries). */
const asLoaded = (description) => JSON.parse(JSON.stringify(description));

test('the Bromcom description (versions 1 and 1.1) is unchanged', () => {
	expect(asLoaded(new Bromcom().description)).toMatchSnapshot();
});

test('the Bromcom Trigger description is unchanged', () => {
	expect(asLoaded(new BromcomTrigger().description)).toMatchSnapshot();
});

test('the Bromcom Consent & Eligibility description (versions 1 and 1.1) is unchanged', () => {
	expect(asLoaded(new BromcomEligibility().description)).toMatchSnapshot();
});
