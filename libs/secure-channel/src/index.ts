export * from './nest';
export * from './protocol';
export * from './session';
