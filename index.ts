// The package's entry points, for tools that import it directly. n8n itself loads the files listed
// in package.json's "n8n" block.
export { BromcomMisApi } from './credentials/BromcomMisApi.credentials';
export { BromcomPartnerApi } from './credentials/BromcomPartnerApi.credentials';
export { Bromcom } from './nodes/Bromcom/Bromcom.node';
export { BromcomTrigger } from './nodes/BromcomTrigger/BromcomTrigger.node';
export { BromcomEligibility } from './nodes/BromcomEligibility/BromcomEligibility.node';
