import { badOption } from '../errors.js';
import { parseNumber } from '../numbers.js';

/**
 * UF2 family IDs by short name, in the order of the published list, utils/uf2families.json
 * of https://github.com/microsoft/uf2 (commit c594542b2faa01cc33a2b97c9fbebc38549df80a).
 * Names are matched without regard to case.
 */
export const UF2_FAMILIES: ReadonlyMap<string, number> = new Map<string, number>([
  ['ATMEGA32', 0x16573617],
  ['SAML21', 0x1851780A],
  ['NRF52', 0x1B57745F],
  ['ESP32', 0x1C5F21B0],
  ['STM32L1', 0x1E1F432D],
  ['STM32L0', 0x202E3A91],
  ['STM32WL', 0x21460FF0],
  ['LPC55', 0x2ABC77EC],
  ['STM32G0', 0x300F5633],
  ['GD32F350', 0x31D228C6],
  ['STM32L5', 0x04240BDF],
  ['STM32G4', 0x4C71240A],
  ['MIMXRT10XX', 0x4FB2D5BD],
  ['STM32F7', 0x53B80F00],
  ['SAMD51', 0x55114460],
  ['STM32F4', 0x57755A57],
  ['FX2', 0x5A18069B],
  ['STM32F2', 0x5D1A0A2E],
  ['STM32F1', 0x5EE21072],
  ['NRF52833', 0x621E937A],
  ['STM32F0', 0x647824B6],
  ['SAMD21', 0x68ED2B88],
  ['STM32F3', 0x6B846188],
  ['STM32F407', 0x6D0922FA],
  ['STM32H7', 0x6DB66082],
  ['STM32WB', 0x70D16653],
  ['ESP8266', 0x7EAB61ED],
  ['KL32L2', 0x7F83E793],
  ['STM32F407VG', 0x8FB060FE],
  ['NRF52840', 0xADA52840],
  ['ESP32S2', 0xBFDD4EEE],
  ['ESP32S3', 0xC47E5767],
  ['ESP32C3', 0xD42BA06C],
  ['ESP32C2', 0x2B88D29C],
  ['ESP32H2', 0x332726F6],
  ['ESP32C6', 0x540DDF62],
  ['ESP32P4', 0x3D308E94],
  ['ESP32C5', 0xF71C0343],
  ['ESP32C61', 0x77D850C4],
  ['RP2040', 0xE48BFF56],
  ['STM32L4', 0x00FF6919],
  ['GD32VF103', 0x9AF03E33],
  ['CSK4', 0x4F6ACE52],
  ['CSK6', 0x6E7348A8],
  ['M0SENSE', 0x11DE784A],
  ['MaixPlay-U4', 0x4B684D71],
  ['RZA1LU', 0x9517422F],
  ['STM32F411xE', 0x2DC309C5],
  ['STM32F411xC', 0x06D1097B],
  ['NRF52832xxAA', 0x72721D4E],
  ['NRF52832xxAB', 0x6F752678],
  ['AT32F415', 0xA0C97B8E],
  ['CH32V', 0x699B62EC],
]);

/**
 * The family ID for `options.uf2Family` as text: a name from the list (any case) or a number (`0xE48BFF56`).
 * Throws UsageError for an unknown name or a number that does not fit 32 bits.
 */
export function uf2FamilyId(text: string): number {
  const wanted = text.trim().toUpperCase();
  for (const [name, id] of UF2_FAMILIES) if (name.toUpperCase() === wanted) return id;
  if (!/^[0-9]/.test(wanted)) {
    throw badOption('uf2Family', `'${text}'`, `not in the UF2 family list (e.g. ${['STM32F4', 'STM32L4', 'STM32H7', 'RP2040', 'NRF52840'].join(', ')}) nor a number`);
  }
  const id = parseNumber(text, 'options.uf2Family');
  if (id > 0xffffffff) throw badOption('uf2Family', text, 'a UF2 family ID has 32 bits');
  return id;
}
