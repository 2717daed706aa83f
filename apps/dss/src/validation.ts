/** The validation pipe is shared by both apps (libs/common). */
export { createValidationPipe } from '@dss/common';
