//! How a frozen score's JSON (its inputs and its result) is stored: packed with zstd against a
//! fixed dictionary, one eleventh of the text.
//!
//! A close stores 100,000 of these for 20,000 employees (five scopes each, 12 kB of JSON a row).
//! As text, PostgreSQL compressed every value and moved it out of line, more than half of the
//! close's time; packed, the two are about 1.1 kB a row, which stays in its page. The dictionary
//! is a few scores and inputs as the engine writes them, so what every score repeats — the keys,
//! the rater groups, the BerAKHLAK values, the rules' wording — costs a reference each.
//!
//! The text is kept byte for byte (`unpack(pack(t)) == t`), so a stored score is still recomputed
//! and compared byte for byte. A packed value starts with the dictionary's number: stored values
//! must unpack for as long as they are kept, so a dictionary, once released, never changes (a
//! test holds each one's hash); a better one gets the next number, beside the others.
//!
//! - Dictionary 1 (`packing.dict`): that content alone, as zstd's "raw content".
//! - Dictionary 2 (`packing-2.dict`), what values are packed with now: the same content in zstd's
//!   dictionary format, with the entropy tables (Huffman, FSE) of 3,000 scores and inputs of a
//!   synthetic organisation at level 3 (`ZDICT_finalizeDictionary`, dictionary id 2). With raw
//!   content every value built and wrote its own tables, a third of zstd's time on values this
//!   small; with them, packing is 1.4× as fast, unpacking 1.6×, and values 9 % smaller (the zstd
//!   command's benchmark on 800 other values, `zstd -b3 -D`).
use std::cell::RefCell;
use std::sync::LazyLock;

use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

use crate::error::{ApiError, ApiResult};

/// Dictionary 1: its content is the zstd "raw content" form, plain bytes used as history.
const DICTIONARY_1: &[u8] = include_bytes!("packing.dict");
const VERSION_1: u8 = 1;
/// Dictionary 2: dictionary 1's content with entropy tables, in zstd's dictionary format.
const DICTIONARY_2: &[u8] = include_bytes!("packing-2.dict");
const VERSION_2: u8 = 2;
/// zstd's level 3 (its default), which dictionary 2's tables were made for: on these values the
/// fastest level and the smallest output of levels 1 to 4.
const LEVEL: i32 = 3;
/// No stored JSON is near this; a corrupt length field must not allocate more.
const MAX_TEXT: usize = 16 << 20;

static ENCODER: LazyLock<EncoderDictionary<'static>> = LazyLock::new(|| EncoderDictionary::copy(DICTIONARY_2, LEVEL));
static DECODER_1: LazyLock<DecoderDictionary<'static>> = LazyLock::new(|| DecoderDictionary::copy(DICTIONARY_1));
static DECODER_2: LazyLock<DecoderDictionary<'static>> = LazyLock::new(|| DecoderDictionary::copy(DICTIONARY_2));

thread_local! {
    // A context holds its tables between values: one per thread (and dictionary), made on first use.
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR_1: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR_2: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
    static JSON: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static FRAME: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// `value` as JSON, packed. The JSON is written into a buffer kept by the thread: a close packs
/// 200,000 of them, and text grown afresh by doubling for each was a good part of its allocations.
pub fn pack_json(value: &impl serde::Serialize) -> ApiResult<Vec<u8>> {
    JSON.with(|cell| {
        let mut json = cell.borrow_mut();
        json.clear();
        serde_json::to_writer(&mut *json, value).map_err(ApiError::internal)?;
        pack_bytes(&json)
    })
}

/// `text` packed: the dictionary's number, then a zstd frame (which records the text's length).
fn pack_bytes(text: &[u8]) -> ApiResult<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = match cell.as_mut() {
            Some(c) => c,
            None => cell.insert(Compressor::with_prepared_dictionary(&ENCODER).map_err(ApiError::internal)?),
        };
        // Packed into a buffer kept by the thread, then copied out at its size: a buffer of the
        // worst case (the text's size) allocated and shrunk for each of a close's 200,000 values
        // kept the allocator merging and splitting free memory.
        FRAME.with(|frame| {
            let mut frame = frame.borrow_mut();
            frame.clear();
            frame.reserve(1 + zstd::compress_bound(text.len()));
            frame.push(VERSION_2);
            // The frame goes after the number (a Vec itself is written from its start).
            let mut cursor = std::io::Cursor::new(&mut *frame);
            cursor.set_position(1);
            compressor.compress_to_buffer(text, &mut cursor).map_err(ApiError::internal)?;
            Ok(frame.to_vec())
        })
    })
}

/// The text a packed value holds.
pub fn unpack(packed: &[u8]) -> ApiResult<String> {
    let (context, dictionary, frame) = match packed.split_first() {
        Some((&VERSION_1, frame)) => (&DECOMPRESSOR_1, &DECODER_1, frame),
        Some((&VERSION_2, frame)) => (&DECOMPRESSOR_2, &DECODER_2, frame),
        _ => return Err(ApiError::internal("a stored score is packed with an unknown dictionary")),
    };
    let bytes = context.with(|cell| {
        let mut cell = cell.borrow_mut();
        let decompressor = match cell.as_mut() {
            Some(d) => d,
            None => cell.insert(Decompressor::with_prepared_dictionary(dictionary).map_err(ApiError::internal)?),
        };
        decompressor.decompress(frame, MAX_TEXT).map_err(ApiError::internal)
    })?;
    String::from_utf8(bytes).map_err(ApiError::internal)
}

/// A stored JSON value in whichever form its row holds it: text (rows stored before packing) or
/// packed.
pub fn stored_text(text: Option<String>, packed: Option<Vec<u8>>) -> ApiResult<String> {
    match (text, packed) {
        (Some(text), _) => Ok(text),
        (None, Some(packed)) => unpack(&packed),
        (None, None) => Err(ApiError::internal("a stored score holds neither text nor a packed value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sha2::{Digest, Sha256};

    fn pack(text: &str) -> ApiResult<Vec<u8>> {
        pack_bytes(text.as_bytes())
    }

    #[test]
    fn the_released_dictionaries_never_change() {
        // Every score packed with a dictionary needs its very bytes to unpack. A change here
        // belongs in a new dictionary with its own number, not in these.
        assert_eq!(
            hex::encode(Sha256::digest(DICTIONARY_1)),
            "362477c787ef2885b718f1503e999859d782f006f858f6669c0bc6f01f84d8e4"
        );
        assert_eq!(
            hex::encode(Sha256::digest(DICTIONARY_2)),
            "184980a315e04567b2cb31aedbd5f0ca607e2d3bac27f324e2136493b36a832a"
        );
    }

    #[test]
    fn dictionary_2_is_dictionary_1_with_entropy_tables() {
        // zstd's dictionary format: its magic number, the id 2, the tables, then the content.
        assert_eq!(DICTIONARY_2[..4], 0xEC30_A437_u32.to_le_bytes());
        assert_eq!(DICTIONARY_2[4..8], 2_u32.to_le_bytes());
        assert!(DICTIONARY_2.ends_with(DICTIONARY_1));
    }

    #[test]
    fn values_packed_by_released_versions_still_unpack() {
        // Packed when each dictionary was released; they must read back as long as scores are kept.
        for packed in [PACKED_BY_RELEASE_1, PACKED_BY_RELEASE_2] {
            assert_eq!(unpack(&hex::decode(packed).unwrap()).unwrap(), SAMPLE);
        }
    }

    #[test]
    fn values_are_packed_with_dictionary_2() {
        // Not compared byte for byte: another zstd release may pack the same text differently.
        let packed = pack(SAMPLE).unwrap();
        assert_eq!(packed[0], VERSION_2);
        assert_eq!(unpack(&packed).unwrap(), SAMPLE);
    }

    #[test]
    fn a_score_packs_to_a_fraction_of_its_text() {
        let line = std::str::from_utf8(DICTIONARY_1).unwrap().lines().next().unwrap();
        let packed = pack(line).unwrap();
        assert!(packed.len() * 5 < line.len(), "{} bytes packed to {}", line.len(), packed.len());
        assert_eq!(unpack(&packed).unwrap(), line);
    }

    #[test]
    fn an_unknown_dictionary_or_a_damaged_value_is_refused() {
        let mut packed = pack(SAMPLE).unwrap();
        packed[0] = 3;
        assert!(unpack(&packed).is_err());
        // Named as packed with the other dictionary: zstd finds the frame's dictionary id differs.
        packed[0] = 1;
        assert!(unpack(&packed).is_err());
        assert!(unpack(&[]).is_err());
        let mut packed = pack(SAMPLE).unwrap();
        let last = packed.len() - 1;
        packed.truncate(last);
        assert!(unpack(&packed).is_err());
    }

    #[test]
    fn json_packs_as_its_text() {
        let value = serde_json::json!({"a": [1.5, null, "é"]});
        assert_eq!(unpack(&pack_json(&value).unwrap()).unwrap(), value.to_string());
    }

    #[test]
    fn the_stored_form_is_the_text_or_the_packed_value() {
        assert_eq!(stored_text(Some("{}".into()), None).unwrap(), "{}");
        assert_eq!(stored_text(None, Some(pack("{\"a\":1}").unwrap())).unwrap(), "{\"a\":1}");
        assert!(stored_text(None, None).is_err());
    }

    const SAMPLE: &str = r#"{"policy_version":1,"results":{"targets":[],"nilai_hasil_kerja":null,"suggested":null}}"#;
    const PACKED_BY_RELEASE_1: &str = "0128b52ffd2057cd0000306e756c6c7d7d05400009750c529de125648ae1af43f7b413";
    const PACKED_BY_RELEASE_2: &str = "0228b52ffd210257cd0000306e756c6c7d7d057c00090514523dbe845330fc6975cf6561";

    proptest! {
        #[test]
        fn any_text_unpacks_to_itself(text in "\\PC{0,3000}") {
            prop_assert_eq!(unpack(&pack(&text).unwrap()).unwrap(), text);
        }
    }
}
