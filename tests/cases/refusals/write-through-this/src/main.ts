// refused: assigns this.target.level
export const SETTINGS = { level: 1 };

function raise(this: { target: { level: number } }): void {
  this.target.level = 2;
}

const holder = { target: SETTINGS, raise };
holder.raise();
