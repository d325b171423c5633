// refused: 'initTelemetry' is declared nowhere, so evaluating this throws a ReferenceError, so X
import './telemetry';
export const X = { on: true };
