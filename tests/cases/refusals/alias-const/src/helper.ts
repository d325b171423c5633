import { SETTINGS } from './settings';

const current = SETTINGS;
current.theme = 'dark';
