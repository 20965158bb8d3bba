// Starts GOV.UK Frontend's components (error summary focus, character counts, exclusive checkboxes).
import { initAll } from "./govuk-frontend.min.js";

initAll();
