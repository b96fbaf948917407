import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signals } from '../analysis/signals.js';
import { answerQuestion } from './ask.js';
import { documentFields, receiptFields } from './receipt.js';

// Rows as the reader gives them (reading order), from SROIE-like receipts.
const gardenia = [
  "ACCOUNT'S COPY",
  'GARDENIA BAKERIES (KL) SDN BHD (139386 X)',
  'LOT 3, JALAN PELABUR 23/1,',
  'TEL: 03-55423228 FAX:03-55423213',
  'CASH INV NO.: 7821F714',
  'VE0514 DATE: 21/08/2017',
  'DD: 21/08/2017 11:45',
  'TOTAL 0% SUPPLIES: 35.14',
  'TOTAL 6% SUPPLIES (EXCL. GST): 36.24',
  'GST: 2.17',
  'TOTAL PAYABLE: 73.55',
];
const unihakka = [
  'UNIHAKKA INTERNATIONAL SDN BHD',
  '03 Mar 2018 18:25',
  'Bill# :V001-577421',
  'SubTotal $8.20',
  'Total Incl. GST $8.20',
  'CASH $10.00',
  'Change $1.80',
];
const speedMart = [
  '99 SPEED MART S/B (519537-X)',
  'LOT P.T. 2811',
  '22-11-17 20:49',
  'Total Sales (Inclusive GST) RM 182.00',
  'CASH',
  '200.00',
  'CHANGE 18.00',
];

describe('receipt fields', () => {
  it('finds the total, date and company as printed', () => {
    assert.deepEqual(receiptFields(gardenia), {
      total: '73.55',
      date: '21/08/2017',
      company: 'GARDENIA BAKERIES (KL) SDN BHD',
    });
    assert.deepEqual(receiptFields(unihakka), {
      total: '$8.20',
      date: '03 Mar 2018',
      company: 'UNIHAKKA INTERNATIONAL SDN BHD',
    });
    assert.deepEqual(receiptFields(speedMart), { total: 'RM182.00', date: '22-11-17', company: '99 SPEED MART S/B' });
  });

  it('takes the total printed below its label, and skips subtotals, tax and change', () => {
    assert.equal(receiptFields(['SUBTOTAL 10.00', 'GST 0.60', 'TOTAL', '10.60', 'CHANGE 9.40']).total, '10.60');
  });

  it('finds nothing in text that is not a receipt', () => {
    assert.equal(documentFields({ text: { lines: ['EXIT'], confidence: 90 } }), null);
    assert.equal(
      documentFields({ text: { lines: ['Region-based segmentation', 'Let us first', 'markers'], confidence: 90 } }),
      null,
    );
  });
});

describe('questions about a receipt', () => {
  const signals = (lines: string[]) =>
    ({ text: { lines, confidence: 90 }, objects: [], objectColours: [], colours: [] }) as unknown as Signals;

  it('answers the total, the date and the shop offline', () => {
    assert.deepEqual(answerQuestion('What is the total?', signals(gardenia)), {
      answered: true,
      answer: 'The total is 73.55.',
    });
    assert.deepEqual(answerQuestion('When was this bought?', signals(unihakka)), {
      answered: true,
      answer: 'The date on it is 03 Mar 2018.',
    });
    assert.match(answerQuestion('Which shop is this from?', signals(speedMart)).answer, /99 SPEED MART S\/B/);
  });

  it('says so when the text holds no such field', () => {
    const reply = answerQuestion('How much did it cost?', signals(['WHY PAY FOR', 'NOTHING?']));
    assert.equal(reply.answered, false);
    assert.match(reply.answer, /no a total|found no/);
  });
});
