namespace Api {
  export interface User {
    id: string;
  }
}
namespace Api {
  export interface Team {
    users: User[];
  }
}
namespace Api.V2 {
  export type Role = 'reader' | 'writer';
}

export interface Merged {
  team: Api.Team;
  role: Api.V2.Role;
}
