/// <reference types="jest" />
// Loaded by jest.preset.js for the projects whose tests use real servers (see the comment there).
jest.setTimeout(30_000);
