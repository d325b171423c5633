namespace Shapes {
  export interface Point {
    x: number;
    y: number;
  }
  export namespace Styles {
    export type Colour = 'red' | 'blue';
    export interface Stroke {
      colour: Colour;
      width: number;
    }
  }
}
namespace Drawing {
  import Stroke = Shapes.Styles.Stroke;
  export interface Line {
    from: Shapes.Point;
    to: Shapes.Point;
    stroke: Stroke;
  }
}
namespace Local {
  export interface Point {
    label: string;
  }
}

export interface Canvas extends Drawing.Line {
  colours: Shapes.Styles.Colour[];
  caption: Local.Point;
}
