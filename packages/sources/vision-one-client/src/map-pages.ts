/**
 * `pages` with each one turned into `map(page)` as it comes, without an async generator of its own: a generator
 * costs a few promises and objects per step, and an idle poll's one page passed through four of them (issue #20).
 * Stopping early (`return`) and errors reach `pages` as they would through a `for await` around it.
 */
export const mapPages = <P, Q>(pages: AsyncIterable<P>, map: (page: P) => Q): AsyncIterable<Q> => ({
  [Symbol.asyncIterator](): AsyncIterator<Q> {
    const iterator = pages[Symbol.asyncIterator]();
    const stop = async (): Promise<IteratorResult<Q>> => {
      await iterator.return?.();
      return { done: true, value: undefined };
    };
    return {
      next: async (): Promise<IteratorResult<Q>> => {
        const result = await iterator.next();
        if (result.done === true) return { done: true, value: undefined };
        try {
          return { done: false, value: map(result.value) };
        } catch (error) {
          await iterator.return?.();
          throw error;
        }
      },
      return: stop,
    };
  },
});
