class Entity {
  id: string = '';
  protected audit: string[] = [];
}

export class Person extends Entity {
  public name: string;
  private secret: string;
  static count = 0;
  age?: number;
  readonly kind = 'person';
  tags = ['a'];
  nickname: string | null = null;

  constructor(
    public email: string,
    name: string,
    readonly rank: number,
    private token: string,
  ) {
    super();
    this.name = name;
    this.secret = token;
  }

  greet(): string {
    return this.name;
  }

  get upper(): string {
    return this.name.toUpperCase();
  }
}

export interface Team {
  lead: Person;
  members: Person[];
}
