import { simplifyStudent } from '../../core/people';
import { AGENT_FIELDS } from '../../core/agent';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute, agent } = makeGetMany({
	resource: 'student',
	entity: ENTITIES.students,
	simplify: simplifyStudent,
	agent: {
		description:
			'Lists students (pupils) of the school from Bromcom, current ones unless the workflow says otherwise: one item per student with StudentID, first and last names (and preferred names), year group and tutor group. Narrow the list with the values this tool asks for, if any (for example part of a surname, or a year group). Use StudentID with the other Bromcom tools.',
		fields: AGENT_FIELDS.student,
	},
});
