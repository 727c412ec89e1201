/** Fixture apps: both server generations' parameter shapes, so clients meet every quirk. */
import type { SimApp, SimAppOutput, SimWorkflow, SimWorkflowNode } from './types';

export const APPS = {
	portrait: 'app_portrait',
	video: 'app_video',
	caption: 'app_caption',
	fails: 'app_fails',
	backgroundRemover: 'app_background_remover',
	logoAnimator: 'app_logo_animator',
	adCopy: 'app_ad_copy',
	voiceover: 'app_voiceover',
	catalog: 'app_catalog',
} as const;

export const FAILING_APP_ERROR = 'Model crashed: out of memory';

const thumb = (slug: string, type = 'image') => ({
	url: `https://cdn.uselamina.ai/thumbnails/${slug}.webp`,
	type,
});

/** Fresh copies each call: tests may mutate an app they added without touching the fixtures. */
export function fixtureApps(): SimApp[] {
	return [
		{
			appId: APPS.portrait,
			name: 'Portrait Studio',
			description: 'Studio-quality portraits from a short prompt, with a caption to match.',
			isPublic: true,
			modality: 'image',
			thumbnail: thumb('portrait-studio'),
			inputSummary: 'Prompt, Location, Style, Model  Ethnicity, optional Reference Image',
			capabilities: ['text-to-image', 'image-to-image', 'captioning'],
			parameters: [
				{ id: 'prm_1', key: 'prompt', name: 'Prompt', type: 'text', required: true, description: 'What the portrait shows' },
				{
					id: 'prm_2',
					key: 'location',
					name: 'Location',
					type: 'options',
					required: true,
					options: ['Studio', 'Urban', 'Park'],
					default: 'Studio',
				},
				{
					id: 'prm_3',
					key: 'style',
					name: 'Style',
					type: 'options',
					required: true,
					options: ['Standard ', 'Cinematic', 'Film Noir'],
					default: 'Standard ',
				},
				{ id: 'prm_4', key: 'model_ethnicity', name: 'Model  Ethnicity', type: 'text', required: true, default: 'Any' },
				{
					id: 'prm_5',
					key: 'reference_image',
					name: 'Reference Image',
					type: 'url',
					required: false,
					accept: ['image'],
					description: 'Optional photo whose pose and lighting to follow',
				},
			],
			outputs: [
				{ index: 0, label: 'Hero Image', type: 'image' },
				{ index: 1, label: 'Caption', type: 'text' },
			],
		},
		{
			appId: APPS.video,
			name: 'Product Video',
			description: 'Turns a product photo into a short looping video.',
			isPublic: true,
			modality: 'video',
			thumbnail: thumb('product-video', 'video'),
			inputSummary: 'Product Image, Duration',
			capabilities: ['image-to-video'],
			detailsStyle: 'object',
			parameters: [
				{
					id: 'prm_v1',
					key: 'product_image',
					name: 'Product Image',
					type: 'url',
					required: true,
					accept: ['image'],
				},
				{
					id: 'prm_v2',
					key: 'duration',
					name: 'Duration',
					type: 'options',
					required: true,
					options: ['5s', '10s'],
					default: '5s',
				},
			],
			outputs: [{ index: 0, label: 'Video', type: 'video' }],
			pipeline: [[{ type: 'upscaleNode', label: 'Upscale' }], [{ type: 'videoGeneratorNode', label: 'Animate' }]],
		},
		{
			// Old server generation: no `key`, `required: false` everywhere, { label, value } options, no `outputs`.
			appId: APPS.caption,
			name: 'Caption Writer',
			description: 'Writes a social media caption about a topic.',
			isPublic: false,
			parameters: [
				{ id: 'prm_c1', name: 'Topic', type: 'text', required: false },
				{
					id: 'prm_c2',
					name: 'Tone',
					type: 'options',
					required: false,
					options: [
						{ label: 'Friendly', value: 'friendly' },
						{ label: 'Formal', value: 'formal' },
					],
				},
			],
			produces: [{ index: 0, label: 'Caption', type: 'text' }],
		},
		{
			appId: APPS.fails,
			name: 'Glitchy Generator',
			description: 'An experimental image model that is currently broken.',
			isPublic: true,
			modality: 'image',
			thumbnail: thumb('glitchy-generator'),
			inputSummary: 'Prompt',
			capabilities: ['text-to-image'],
			parameters: [{ id: 'prm_f1', key: 'prompt', name: 'Prompt', type: 'text', required: true }],
			outputs: [{ index: 0, label: 'Image', type: 'image' }],
		},
		{
			appId: APPS.backgroundRemover,
			name: 'Background Remover',
			description: 'Cuts the subject out of a photo onto a transparent background.',
			isPublic: true,
			modality: 'image',
			thumbnail: thumb('background-remover'),
			inputSummary: 'Image',
			capabilities: ['image-to-image', 'segmentation'],
			parameters: [
				{ id: 'prm_b1', key: 'image', name: 'Image', type: 'url', required: true, accept: ['image'] },
			],
			outputs: [{ index: 0, label: 'Cutout', type: 'image' }],
		},
		{
			appId: APPS.logoAnimator,
			name: 'Logo Animator',
			description: 'Animates a logo into a short intro clip.',
			isPublic: true,
			modality: 'video',
			thumbnail: thumb('logo-animator', 'video'),
			inputSummary: 'Logo, Motion',
			capabilities: ['image-to-video'],
			parameters: [
				{ id: 'prm_l1', key: 'logo', name: 'Logo', type: 'url', required: true, accept: ['image'] },
				{
					id: 'prm_l2',
					key: 'motion',
					name: 'Motion',
					type: 'options',
					required: true,
					options: ['Reveal', 'Spin', 'Bounce'],
					default: 'Reveal',
				},
			],
			outputs: [{ index: 0, label: 'Intro Clip', type: 'video' }],
		},
		{
			appId: APPS.adCopy,
			name: 'Ad Copy Writer',
			description: 'Writes a headline and body copy for a product ad.',
			isPublic: true,
			modality: 'text',
			thumbnail: thumb('ad-copy-writer'),
			inputSummary: 'Product, Platform',
			capabilities: ['copywriting'],
			parameters: [
				{ id: 'prm_a1', key: 'product', name: 'Product', type: 'text', required: true },
				{
					id: 'prm_a2',
					key: 'platform',
					name: 'Platform',
					type: 'options',
					required: true,
					options: ['Instagram', 'LinkedIn', 'X'],
					default: 'Instagram',
				},
			],
			outputs: [
				{ index: 0, label: 'Headline', type: 'text' },
				{ index: 1, label: 'Body', type: 'text' },
			],
		},
		{
			appId: APPS.voiceover,
			name: 'Voiceover Maker',
			description: 'Reads a script aloud in a natural voice.',
			isPublic: true,
			modality: 'audio',
			thumbnail: thumb('voiceover-maker'),
			inputSummary: 'Script, Voice',
			capabilities: ['text-to-speech'],
			parameters: [
				{ id: 'prm_o1', key: 'script', name: 'Script', type: 'text', required: true },
				{
					id: 'prm_o2',
					key: 'voice',
					name: 'Voice',
					type: 'options',
					required: true,
					options: ['Warm', 'Bright', 'Deep'],
					default: 'Warm',
				},
			],
			outputs: [{ index: 0, label: 'Voiceover', type: 'audio' }],
		},
		{
			appId: APPS.catalog,
			name: 'Catalog Shots',
			description: 'Product photos from several angles on a clean background, for a store catalog.',
			isPublic: true,
			modality: 'image',
			thumbnail: thumb('catalog-shots'),
			inputSummary: 'Product Images, Background',
			capabilities: ['image-to-image'],
			parameters: [
				{
					id: 'prm_k1',
					key: 'product_images',
					name: 'Product Images',
					type: 'url',
					required: true,
					accept: ['image'],
					multiple: true,
				},
				{
					id: 'prm_k2',
					key: 'background',
					name: 'Background',
					type: 'options',
					required: true,
					options: ['White', 'Grey', 'Lifestyle'],
					default: 'White',
				},
			],
			outputs: [
				{ index: 0, label: 'Front', type: 'image' },
				{ index: 1, label: 'Angle', type: 'image' },
			],
			// Two shots side by side from one cut-out: steps of one stage run in parallel.
			pipeline: [
				[{ type: 'backgroundRemovalNode', label: 'Remove Background' }],
				[
					{ type: 'aiDesignerNode', label: 'Front Shot' },
					{ type: 'aiDesignerNode', label: 'Angle Shot' },
				],
			],
		},
	];
}

/** What a run of the app produces: its advertised outputs, else the hidden ones, else one image. */
export function producedOutputs(app: SimApp): SimAppOutput[] {
	return app.outputs ?? app.produces ?? [{ index: 0, label: 'Output', type: 'image' }];
}

export function workflowId(app: SimApp): string {
	return `wf_${app.appId.replace(/^app_/, '')}`;
}

/** The id of the workflow node behind an output; runs report it as the output's `id`. */
export function outputNodeId(app: SimApp, index: number): string {
	return `outputNode-${app.appId.replace(/^app_/, '')}-${index}`;
}

const SUMMARY_FIELDS = ['appId', 'name', 'description', 'isPublic', 'modality', 'thumbnail', 'inputSummary', 'capabilities'] as const;

/** A list item: no parameters, no outputs. */
export function appSummary(app: SimApp): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const field of SUMMARY_FIELDS) if (app[field] !== undefined) out[field] = app[field];
	return out;
}

/** Get App: the summary plus parameters and, on newer apps, outputs. */
export function appDetail(app: SimApp): Record<string, unknown> {
	const out = appSummary(app);
	out.parameters = app.parameters;
	if (app.outputs) out.outputs = app.outputs;
	return out;
}

const GENERATOR_NODE: Record<string, string> = {
	image: 'aiDesignerNode',
	video: 'videoGeneratorNode',
	audio: 'voiceNode',
	text: 'llmNode',
};

/**
 * The graph behind an app: the app's own `workflow` when it has one, else one input node per
 * parameter, its pipeline's stages (default: one generator named after the app), one output node
 * per output. Each stage feeds the next; a last stage as wide as the outputs feeds one output each.
 */
export function workflowGraph(app: SimApp): SimWorkflow {
	if (app.workflow) return app.workflow;
	const inputs = app.parameters.map((p) => ({ id: `inputNode-${p.id}`, type: 'inputNode', label: p.name }));
	const stages = (app.pipeline ?? [[{ type: GENERATOR_NODE[app.modality ?? 'text'] ?? 'aiDesignerNode', label: app.name }]]).map(
		(stage, s) => stage.map((step, i) => ({ id: s === 0 && i === 0 && !app.pipeline ? 'generator-1' : `step-${s + 1}-${i + 1}`, ...step })),
	);
	const outputs = producedOutputs(app).map((o) => ({ id: outputNodeId(app, o.index), type: 'outputNode', label: o.label }));
	const layers: SimWorkflowNode[][] = [inputs, ...stages, outputs].filter((layer) => layer.length > 0);
	const edges = layers.slice(1).flatMap((layer, i) => {
		const before = layers[i];
		if (layer === outputs && before.length === outputs.length && before !== inputs) {
			return outputs.map((output, k) => ({ source: before[k].id, target: output.id }));
		}
		return before.flatMap((source) => layer.map((target) => ({ source: source.id, target: target.id })));
	});
	return { nodes: layers.flat(), edges };
}

/** Get Workflow's answer. */
export function appWorkflow(app: SimApp): Record<string, unknown> {
	const { nodes, edges } = workflowGraph(app);
	return { appId: app.appId, name: app.name, nodes, edges };
}

/**
 * The nodes a run works through one after another: every node but the inputs, each after the
 * nodes that feed it (by longest path from a source; around a cycle, in the order listed).
 */
export function runSteps(app: SimApp): SimWorkflowNode[] {
	const { nodes, edges } = workflowGraph(app);
	const depth = new Map(nodes.map((node) => [node.id, 0]));
	for (let round = 0; round < nodes.length; round++) {
		for (const { source, target } of edges) {
			const from = depth.get(source);
			const to = depth.get(target);
			if (from !== undefined && to !== undefined && to < from + 1) depth.set(target, from + 1);
		}
	}
	return nodes
		.map((node, index) => ({ node, index, depth: depth.get(node.id) ?? 0 }))
		.filter(({ node }) => node.type !== 'inputNode')
		.sort((a, b) => a.depth - b.depth || a.index - b.index)
		.map(({ node }) => node);
}
