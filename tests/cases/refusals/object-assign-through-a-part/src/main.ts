// refused: calls Object.assign on palette, so THEME
export const THEME = { palette: { primary: 'blue' } };

const palette = THEME.palette;
Object.assign(palette, { primary: 'red' });
