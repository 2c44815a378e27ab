'use strict';
/**
 * The services' operations over the state: reads (findEntities…, getEntityData…, their AsXml forms,
 * testDatabaseConnection) and the write-back calls, each changing the school as Bromcom would.
 * Parameters arrive converted (soap.js); failures are FaultErrors with Bromcom-like texts.
 */
const asmx = require('./asmx');
const { FaultError } = require('./contract');

function createOperations(state, offsetMode) {
	function asXml(result) {
		return {
			type: 'string',
			value: [...asmx.dataSetChunks(result.columns, result.rows, offsetMode)].join(''),
		};
	}

	return {
		findEntities: (p) => state.listEntities(state.schoolIds[0], p.username, p.password),
		findEntitiesBySchoolID: (p) => state.listEntities(p.schoolID, p.username, p.password),
		findEntitiesBySchoolIDAsXml: (p) =>
			asXml(state.listEntities(p.schoolID, p.username, p.password)),
		getEntityData: (p) =>
			state.readEntity(state.schoolIds[0], p.entityName, p.entityFilter, p.username, p.password),
		getEntityDataBySchoolID: (p) =>
			state.readEntity(p.schoolID, p.entityName, p.entityFilter, p.username, p.password),
		getEntityDataBySchoolIDAsXml: (p) =>
			asXml(state.readEntity(p.schoolID, p.entityName, p.entityFilter, p.username, p.password)),
		testDatabaseConnection: (p) => ({
			type: 'boolean',
			value: state.schoolIds.includes(p.schoolID),
		}),
		updateDinnerBalance: (p) => {
			const s = state.writeContext(p);
			state.student(s, p.personId);
			const meal = s.meals.get(p.personId) || {
				personId: p.personId,
				balance: 0,
				mealType: 'Paid Meal',
			};
			meal.balance = p.amount;
			s.meals.set(p.personId, meal);
			state.touch(s);
			return { type: 'boolean', value: true };
		},
		saveDinnerTransaction: (p) => {
			const s = state.writeContext(p);
			state.student(s, p.personId);
			if (!['TopUp', 'Sale', 'Refund', 'Adjustment'].includes(p.transactionType))
				throw new FaultError(`'${p.transactionType}' is not a valid transaction type.`);
			const id = s.transactions.length + 1;
			s.transactions.push({
				DinnerTransactionID: id,
				PersonID: p.personId,
				ExternalID: p.externalId,
				TransactionType: p.transactionType,
				TransactionDetails: p.transactionDetails ?? '',
				Amount: p.amount,
				RemainingBalance: p.remainingBalance,
				Instant: p.instant,
			});
			const meal = s.meals.get(p.personId);
			if (meal) meal.balance = p.remainingBalance;
			state.touch(s);
			return { type: 'int', value: id };
		},
		registerSingleSignOnUser: (p) => {
			const s = state.writeContext(p);
			if (!s.people.has(p.userId)) throw new FaultError(`User with ID ${p.userId} was not found.`);
			if (!['Microsoft', 'Google'].includes(p.ssoProvider))
				throw new FaultError(`'${p.ssoProvider}' is not a supported single sign-on provider.`);
			s.ssoUsers = s.ssoUsers.filter((u) => u.UserID !== p.userId);
			s.ssoUsers.push({
				UserID: p.userId,
				EmailAddress: p.emailAddress,
				SSOProvider: p.ssoProvider,
				RegisteredOn: state.nowFn(),
			});
			state.touch(s);
			return { type: 'boolean', value: true };
		},
		deregisterSingleSignOnUser: (p) => {
			const s = state.writeContext(p);
			const before = s.ssoUsers.length;
			s.ssoUsers = s.ssoUsers.filter(
				(u) =>
					!(
						u.UserID === p.userId &&
						String(u.EmailAddress).toLowerCase() === String(p.emailAddress ?? '').toLowerCase()
					),
			);
			state.touch(s);
			return { type: 'boolean', value: s.ssoUsers.length < before };
		},
		saveStudentAssessmentResult: (p) => {
			const s = state.writeContext(p);
			state.student(s, p.studentID);
			const existing = state.entityRows(s, 'AssociationAssessmentResults');
			const id =
				p.studentResultID > 0
					? p.studentResultID
					: existing.reduce((m, r) => Math.max(m, r.StudentResultID), 0) +
						s.assessmentWrites.size +
						1;
			const subject = s.subjects[p.subjectID - 1];
			s.assessmentWrites.set(id, {
				StudentResultID: id,
				StudentID: p.studentID,
				AssessmentTypeID: p.assessmentTypeID,
				AssessmentTypeName: p.assessmentTypeID === 2 ? 'Target' : 'Working At',
				TermID: p.termID,
				TermName: ['Autumn', 'Spring', 'Summer'][p.termID - 1] ?? null,
				YearGroupID: p.yearGroupID,
				SubjectID: p.subjectID,
				SubjectName: subject ? subject.name : null,
				Result: p.result,
				IsGrade: true,
				ResultDate: p.resultDate,
			});
			state.touch(s);
			return { type: 'int', value: id };
		},
	};
}

module.exports = { createOperations };
