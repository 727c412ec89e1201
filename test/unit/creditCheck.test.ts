import { batchCoverage, batchRefusal, readRunCost, runRefusal } from '../../nodes/Lamina/actions/run/creditCheck';

describe('Max Credits per Run decisions', () => {
	test("reads Lamina's estimate; one without an expected number is no cost", () => {
		expect(readRunCost({ estimatedCredits: { expected: 12, min: 9, max: 18 }, currentBalance: 40, affordable: true })).toEqual({
			expected: 12,
			min: 9,
			max: 18,
			balance: 40,
			affordable: true,
		});
		// Discover's shape (a bare number) reads too.
		expect(readRunCost({ estimatedCredits: 7 })).toEqual({ expected: 7, min: undefined, max: undefined, balance: undefined, affordable: undefined });
		expect(readRunCost({ estimatedCredits: {} })).toBeUndefined();
		expect(readRunCost(undefined)).toBeUndefined();
	});

	test('refuses above the ceiling (not at it), then when the balance or Lamina says it is not affordable', () => {
		expect(runRefusal({ expected: 10 }, 10, 'A')).toBeUndefined();
		expect(runRefusal({ expected: 11, min: 9, max: 15 }, 10, 'A')?.message).toBe(
			'Not started: a run of "A" is estimated at 11 credits (9 to 15), above Max Credits per Run (10)',
		);
		expect(runRefusal({ expected: 1, min: 1, max: 1 }, 0, 'A')?.message).toBe('Not started: a run of "A" is estimated at 1 credit, above Max Credits per Run (0)');
		expect(runRefusal({ expected: 4, balance: 3 }, 10, 'A')?.message).toMatch(/can't afford a run of "A" \(estimated 4 credits, balance 3\)/);
		expect(runRefusal({ expected: 4, affordable: false }, 10, 'A')?.message).toMatch(/can't afford/);
		expect(runRefusal({ expected: 4, balance: 4, affordable: true }, 10, 'A')).toBeUndefined();
	});

	test('a batch is covered item by item in order, and stops at the first run that does not fit', () => {
		expect(batchCoverage([4, 4, 4, 4], 10)).toEqual({ covered: 2, total: 4, needed: 16 });
		expect(batchCoverage([4, 4], 8)).toEqual({ covered: 2, total: 2, needed: 8 });
		expect(batchCoverage([8, 1, 1], 5)).toEqual({ covered: 0, total: 3, needed: 10 });
		expect(batchRefusal({ covered: 2, total: 4, needed: 16 }, 10).message).toBe(
			"Not started: the workspace's balance (10 credits) covers 2 of the 4 runs, which need about 16 credits in all",
		);
	});
});
