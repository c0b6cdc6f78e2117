import { render } from "preact";
import { App } from "./app.js";
import "./styles.css";

/** Mounts the model browser; the mark lets tests and benchmarks see when it became interactive. */
const root = document.getElementById("app");
if (root) {
  render(<App />, root);
  performance.mark("app-mounted");
}
