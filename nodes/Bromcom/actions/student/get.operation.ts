import { simplifyStudent } from '../../core/people';
import { AGENT_FIELDS } from '../../core/agent';
import { makeGet } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute, agent } = makeGet({
	resource: 'student',
	entity: ENTITIES.students,
	idParameter: 'studentId',
	label: 'Student ID',
	simplify: simplifyStudent,
	agent: {
		description:
			'Gets one student (pupil) from Bromcom by StudentID: StudentID, first and last names (and preferred names), year group and tutor group.',
		fields: AGENT_FIELDS.student,
	},
});
