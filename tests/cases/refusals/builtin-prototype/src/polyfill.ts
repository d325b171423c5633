(Object.prototype as any).toJSON = function () { return 'patched'; };
