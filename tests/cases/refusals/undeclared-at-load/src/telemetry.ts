initTelemetry({ service: 'api' });
