/**
 * The parameters the node shows only as an AI agent's tool ("Bromcom Tool"), through n8n's `@tool`
 * display condition (true when the node type's name ends in "Tool"; the HTTP Request node shows its
 * "Optimize Response" the same way). In a normal workflow none of them is shown, saved or read.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { AgentSpec } from './types';

export const AS_TOOL = { '@tool': [true] };
export const NOT_AS_TOOL = { '@tool': [false] };

/**
 * The tool's description, prefilled with what the operation returns and how to narrow it. With a
 * property of this name in the node, n8n adds no "Tool Description: Set Automatically" of its own,
 * whose text would be only the action ("Get many students in Bromcom"); a description the author
 * empties falls back to that (n8n-workflow's getToolDescriptionForNode).
 */
function toolDescription(agent: AgentSpec): INodeProperties {
	const text = agent.description;
	return {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 4 },
		default: text,
		description:
			"What the agent's model reads to decide when to call this tool and how. Say which of this tool's parameters the model fills in ({{ $fromAI(…) }}) and what they mean.",
		displayOptions: { show: AS_TOOL },
	};
}

/** A read as a tool: its description, what the agent sees, and the consent rule. */
export function agentReadProperties(agent: AgentSpec): INodeProperties[] {
	const sees =
		agent.fields === 'all'
			? 'each item as the node returns it'
			: agent.fields === undefined
				? 'each item without addresses, contact details, health, special needs or other sensitive columns'
				: `only ${agent.fields.join(', ')}`;
	const more =
		agent.fields === 'all' ? '' : ' (to show it more, choose Options › Fields to Return)';
	return [
		toolDescription(agent),
		{
			displayName: `As a tool, the agent sees ${sees}${more}. Where the school's lawful basis is Consent, it sees only people with Data Processing Consent.`,
			name: 'agentNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: AS_TOOL },
		},
		{
			displayName: 'Only People With Consent',
			name: 'agentConsentOnly',
			type: 'boolean',
			default: true,
			description:
				"Whether to leave out students, staff and contacts without Data Processing Consent when the school's lawful basis is Consent (the model's provider is one more third party). Off: the agent sees whoever Bromcom returns.",
			displayOptions: { show: AS_TOOL },
		},
	];
}

/** A write as a tool: its description, and the one switch that lets an agent write. */
export function agentWriteProperties(agent: AgentSpec): INodeProperties[] {
	return [
		toolDescription(agent),
		{
			displayName: 'Allow Writes When Used as a Tool',
			name: 'allowWritesAsTool',
			type: 'boolean',
			default: false,
			description:
				"Whether the agent's calls write to Bromcom. Off: every call is a dry run that writes nothing, and its answer tells the agent so.",
			displayOptions: { show: AS_TOOL },
		},
	];
}
