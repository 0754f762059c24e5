/** The `Disposable` class of `@azure/functions-core`: calls its callback once when disposed. */
export class Disposable {
  #callOnDispose?: () => unknown;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => disposables.forEach((disposable) => disposable.dispose()));
  }

  dispose(): void {
    const callback = this.#callOnDispose;
    this.#callOnDispose = undefined;
    callback?.();
  }
}
