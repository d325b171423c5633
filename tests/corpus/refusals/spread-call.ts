// expect: X 3:23 call expression rows()
const rows = () => ({ a: 1 });
export const X = { ...rows() };
