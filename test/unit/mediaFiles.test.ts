import {
	chooseFileName,
	chooseMimeType,
	mediaKindOfFile,
	planDownloads,
	safePropertyName,
	uploadContentType,
	uploadFileName,
} from '../../nodes/Lamina/shared/mediaFiles';

const out = (label: string, type: string, value: unknown, status = 'completed') => ({ label, type, value, status });

describe('planDownloads', () => {
	const outputs = [
		out('Hero Image', 'image', 'https://cdn.example.com/a/hero.png'),
		out('Caption', 'text', 'https://looks.like/a-url.png'),
		out('Broken', 'pending', null, 'error'),
		out('Clip', 'video', 'https://cdn.example.com/b.mp4'),
		out('Late Type', 'pending', 'https://cdn.example.com/c.mp3'),
		out('Not A Url', 'image', 'data:image/png;base64,AAAA'),
	];

	test('completed media outputs only, by status; text stays JSON', () => {
		expect(planDownloads(outputs, { naming: 'label' }).map((p) => [p.index, p.propertyName, p.kind])).toEqual([
			[0, 'Hero_Image', 'image'],
			[3, 'Clip', 'video'],
			[4, 'Late_Type', 'audio'],
		]);
	});

	test('index naming uses the position in run.outputs', () => {
		expect(planDownloads(outputs, { naming: 'index', prefix: 'file' }).map((p) => p.propertyName)).toEqual(['file0', 'file3', 'file4']);
		expect(planDownloads(outputs, { naming: 'index', prefix: '  ' }).map((p) => p.propertyName)).toEqual(['data0', 'data3', 'data4']);
	});

	test('labels are made safe and deduplicated; an empty label falls back', () => {
		const plan = planDownloads(
			[
				out('AI Designer', 'image', 'https://x/1.png'),
				out('AI  Designer ', 'image', 'https://x/2.png'),
				out('', 'image', 'https://x/3.png'),
				out('🎨', 'image', 'https://x/4.png'),
			],
			{ naming: 'label', prefix: 'data' },
		);
		expect(plan.map((p) => p.propertyName)).toEqual(['AI_Designer', 'AI_Designer_2', 'Output_3', 'data3']);
	});

	test('no outputs, no plan', () => {
		expect(planDownloads(undefined, { naming: 'label' })).toEqual([]);
	});
});

test('safePropertyName', () => {
	expect(safePropertyName('Hero Image')).toBe('Hero_Image');
	expect(safePropertyName('  Standard ')).toBe('Standard');
	expect(safePropertyName('4K render/final')).toBe('_4K_render_final');
	expect(safePropertyName('Größe')).toBe('Größe');
});

describe('chooseMimeType', () => {
	test('a real Content-Type wins, without its parameters', () => {
		expect(chooseMimeType('image/JPEG; charset=binary', 'https://x/a.png', 'image')).toBe('image/jpeg');
	});
	test('a generic one gives way to the extension, then the kind', () => {
		expect(chooseMimeType('application/octet-stream', 'https://x/a.webm?sig=1', 'video')).toBe('video/webm');
		expect(chooseMimeType(undefined, 'https://x/abc', 'audio')).toBe('audio/mpeg');
		expect(chooseMimeType('', 'https://x/abc')).toBe('application/octet-stream');
	});
});

describe('chooseFileName', () => {
	test('the URL’s file name when it has an extension', () => {
		expect(chooseFileName('https://cdn/x/hero%20shot.png?token=abc', 'Hero', 'image/png')).toBe('hero shot.png');
	});
	test('the label when the URL’s name is only a number, keeping the URL’s extension', () => {
		expect(chooseFileName('https://cdn/files/run_1/0.webp', 'Hero Image', 'image/png')).toBe('Hero Image.webp');
		expect(chooseFileName('https://cdn/files/run_1/12.mp4', 'Clip', 'application/octet-stream')).toBe('Clip.mp4');
	});
	test('else the label with the type’s extension', () => {
		expect(chooseFileName('https://cdn/o/abc123', 'Hero Image', 'image/jpeg')).toBe('Hero Image.jpg');
		expect(chooseFileName('https://cdn/', 'a/b: c', 'video/mp4')).toBe('a_b_ c.mp4');
	});
});

describe('uploads', () => {
	test('media kind: override, then MIME type, then extension', () => {
		expect(mediaKindOfFile({ mimeType: 'application/pdf' }, 'image')).toBe('image');
		expect(mediaKindOfFile({ mimeType: 'video/quicktime' })).toBe('video');
		expect(mediaKindOfFile({ mimeType: 'application/octet-stream', fileName: 'a.WAV' })).toBe('audio');
		expect(mediaKindOfFile({ mimeType: 'application/pdf', fileName: 'a.pdf' })).toBeUndefined();
	});

	test('content type and file name agree', () => {
		expect(uploadContentType({ mimeType: 'image/jpeg' }, 'image')).toBe('image/jpeg');
		expect(uploadContentType({ mimeType: 'application/octet-stream', fileName: 'x.mov' }, 'video')).toBe('video/quicktime');
		expect(uploadContentType({ mimeType: 'application/octet-stream' }, 'video')).toBe('video/mp4');
		expect(uploadFileName({ fileName: 'photo.png' }, 'data', 'image/png')).toBe('photo.png');
		expect(uploadFileName({ fileName: 'take-3' }, 'data', 'video/mp4')).toBe('take-3.mp4');
		expect(uploadFileName({}, 'data', 'audio/mpeg')).toBe('data.mp3');
	});
});
