import type { IDataObject, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import {
	AcceptedDeliveries,
	deliveryKey,
	hasSeenDelivery,
	MAX_REMEMBERED_DELIVERIES,
	recordDeliveries,
} from '../../nodes/LaminaTrigger/deliveryLog';

/** A node's static data as n8n hands it out: observed, with the "changed" mark n8n saves by. */
function nodeStaticData(stored: IDataObject = {}) {
	const workflow = new Workflow({
		id: 'wf',
		nodes: [],
		connections: {},
		active: true,
		nodeTypes: {} as INodeTypes,
		staticData: stored,
	});
	const data = workflow.getStaticData('node', { name: 'Lamina Trigger' } as never);
	return { data, changed: () => workflow.staticData.__dataChanged === true };
}

test('recordDeliveries appends new keys in order and leaves known ones where they are', () => {
	const { data } = nodeStaticData();
	recordDeliveries(data, ['run_1:completed', 'run_2:completed']);
	recordDeliveries(data, ['run_1:completed', 'run_3:failed', 'run_3:failed']);
	expect(data.seenDeliveries).toEqual(['run_1:completed', 'run_2:completed', 'run_3:failed']);
	expect(hasSeenDelivery(data, 'run_3:failed')).toBe(true);
	expect(hasSeenDelivery(data, 'run_3:completed')).toBe(false);
});

test('recordDeliveries changes nothing (so n8n saves nothing) when every key is known', () => {
	const { data, changed } = nodeStaticData({ 'node:Lamina Trigger': { seenDeliveries: ['run_1:completed'] } });
	recordDeliveries(data, ['run_1:completed']);
	expect(changed()).toBe(false);
	recordDeliveries(data, ['run_2:completed']);
	expect(changed()).toBe(true);
});

test('what is remembered is bounded: the oldest are forgotten first', () => {
	const { data } = nodeStaticData();
	const keys = Array.from({ length: MAX_REMEMBERED_DELIVERIES + 50 }, (_, i) => deliveryKey(`run_${i}`, 'completed'));
	recordDeliveries(data, keys.slice(0, 600));
	recordDeliveries(data, keys.slice(600));
	expect(data.seenDeliveries).toEqual(keys.slice(50));
	expect(hasSeenDelivery(data, 'run_0:completed')).toBe(false);
	expect(hasSeenDelivery(data, `run_${MAX_REMEMBERED_DELIVERIES + 49}:completed`)).toBe(true);
});

test('AcceptedDeliveries keeps each trigger apart, bounded, newest last', () => {
	const accepted = new AcceptedDeliveries(3);
	for (const key of ['a', 'b', 'c', 'd']) accepted.add('wf1:Lamina Trigger', key);
	accepted.add('wf2:Lamina Trigger', 'a');
	expect(accepted.has('wf1:Lamina Trigger', 'a')).toBe(false); // the oldest went first
	expect(accepted.recent('wf1:Lamina Trigger', 10)).toEqual(['b', 'c', 'd']);
	expect(accepted.recent('wf1:Lamina Trigger', 2)).toEqual(['c', 'd']);
	expect(accepted.has('wf2:Lamina Trigger', 'a')).toBe(true);
	expect(accepted.recent('wf3:Lamina Trigger', 10)).toEqual([]);
});
