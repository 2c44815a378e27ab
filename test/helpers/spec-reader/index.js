/**
 * An independent reader and checker of roster export files, written only from the published
 * formats (Microsoft SDS v2.1 CSV; 1EdTech OneRoster 1.2 CSV binding), never from the project's
 * exporter. See each module for the rules and their sources.
 */
const { parseCsv } = require('./csv');
const { readSds, SDS_FILES, SDS_ORG_TYPES, SDS_ROLES, SDS_RELATIONSHIP_ROLES } = require('./sds');
const {
	readOneRoster,
	ONEROSTER_FILES,
	ONEROSTER_DATA_FILES,
	ONEROSTER_VOCABULARIES,
} = require('./oneroster');
const { usersByUsername, duplicatePairs, conservation } = require('./identity');
const values = require('./values');

module.exports = {
	parseCsv,
	readSds,
	readOneRoster,
	usersByUsername,
	duplicatePairs,
	conservation,
	values,
	SDS_FILES,
	SDS_ORG_TYPES,
	SDS_ROLES,
	SDS_RELATIONSHIP_ROLES,
	ONEROSTER_FILES,
	ONEROSTER_DATA_FILES,
	ONEROSTER_VOCABULARIES,
};
