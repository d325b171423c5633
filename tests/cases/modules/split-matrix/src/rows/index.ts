export { default as readRows } from './read'
export { default as writeRows } from './write'
