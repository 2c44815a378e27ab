/**
 * Bounded concurrency. Bromcom's guidance is that slow integrations hurt schools (8:45 registration):
 * never more than a few requests in flight per school, whatever the number of items.
 */
export async function mapLimit<T, R>(
	inputs: readonly T[],
	limit: number,
	fn: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(inputs.length);
	let next = 0;
	const workers = Array.from({ length: Math.max(1, Math.min(limit, inputs.length)) }, async () => {
		for (;;) {
			const index = next++;
			if (index >= inputs.length) return;
			results[index] = await fn(inputs[index], index);
		}
	});
	await Promise.all(workers);
	return results;
}

/**
 * Runs one task per input, at most `perGroup` at a time within a group (a school) and at most
 * `overall` at a time in total. Results come back in input order.
 */
export async function mapGrouped<T, R>(
	inputs: readonly T[],
	groupOf: (input: T, index: number) => string,
	perGroup: number,
	overall: number,
	fn: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(inputs.length);
	const queues = new Map<string, number[]>();
	inputs.forEach((input, index) => {
		const key = groupOf(input, index);
		if (!queues.has(key)) queues.set(key, []);
		queues.get(key)!.push(index);
	});
	const running = new Map<string, number>();
	let active = 0;
	return await new Promise<R[]>((resolve, reject) => {
		let remaining = inputs.length;
		let failed = false;
		if (remaining === 0) {
			resolve(results);
			return;
		}
		const pump = () => {
			if (failed) return;
			for (const [key, queue] of queues) {
				while (queue.length > 0 && (running.get(key) ?? 0) < perGroup && active < overall) {
					const index = queue.shift()!;
					running.set(key, (running.get(key) ?? 0) + 1);
					active++;
					fn(inputs[index], index).then(
						(value) => {
							results[index] = value;
							running.set(key, running.get(key)! - 1);
							active--;
							remaining--;
							if (remaining === 0) resolve(results);
							else pump();
						},
						(error) => {
							failed = true;
							reject(error);
						},
					);
				}
			}
		};
		pump();
	});
}
