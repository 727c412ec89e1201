/**
 * Publishing in the editor: the Lamina node set to Publishing → Publish lists the workspace's
 * connected channels in "Channel Names or IDs", named by platform and account (its loadOptions
 * method, through the real editor). Runs after the other steps: it changes the node's resource.
 */
import { channelOptionName } from '../../../nodes/Lamina/actions/publishing/publishOutcome';
import { fixtureChannels } from '../../../test/simulator';
import { dropdownChoices, openNode, parameterInput, sel, selectChoice, waitUntil } from './editorPage';
import { CheckFailed, type EditorStep } from './steps';

const publishChannelList: EditorStep = {
	id: 'publish-channels',
	title: 'Publishing → Publish: "Channel Names or IDs" lists the connected channels by platform and account',
	needs: ['nodes-panel'],
	async run(ctx) {
		const { page } = ctx;
		const name = ctx.state.laminaNode;
		if (!name) throw new CheckFailed('no Lamina node was added to the workflow');
		// Another node's panel (or its credential modal) may be open: open this one.
		await openNode(page, name);
		await selectChoice(page, `${sel.ndv} ${parameterInput('resource')}`, 'Publishing');
		await selectChoice(page, `${sel.ndv} ${parameterInput('operation')}`, 'Publish');
		const want = fixtureChannels().map(channelOptionName).sort((a, b) => a.localeCompare(b));
		// The list is loaded from Lamina when the field opens: read it until it has loaded.
		const shown = await waitUntil(
			'the channel list',
			() => dropdownChoices(page, `${sel.ndv} ${parameterInput('channelIds')}`),
			(choices) => JSON.stringify(choices) === JSON.stringify(want),
			20_000,
		).catch(async () => await dropdownChoices(page, `${sel.ndv} ${parameterInput('channelIds')}`));
		await ctx.shot('channels');
		if (JSON.stringify(shown) !== JSON.stringify(want)) throw new CheckFailed(`the channel list shows ${JSON.stringify(shown)}, want ${JSON.stringify(want)}`);
	},
};

export const PUBLISHING_STEPS: EditorStep[] = [publishChannelList];
