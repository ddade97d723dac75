"""Reading a markdown file's bytes as text, or saying exactly why it cannot be checked.

UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark are read.
Anything else is reported with the encoding it most likely is — books written on Windows
are often GBK, Big5 or Shift-JIS — and no rule runs on it, because every line and column
would be wrong. Nothing is ever rewritten here.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

# Findings about the file itself rather than its markdown; no other rule runs on it.
ENCODING_RULE = "encoding"
ENCODING_SUMMARY = "File that is not UTF-8 or UTF-16 text, so no other rule could check it"

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


class NotText(Exception):
    """The file was read but is not markdown text doclint can check."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Unreadable(Exception):
    """The file cannot be read at all (missing, a folder, no permission)."""


def read_markdown(path: Path, max_size: int = DEFAULT_MAX_FILE_SIZE) -> str:
    try:
        with path.open("rb") as handle:
            # As much as the file holds, and a byte more to see it grow: asking for
            # ``max_size`` would make a buffer that large for every file, several times
            # the cost of reading a chapter.
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(min(size, max_size) + 1)
            if len(data) > size:
                data += handle.read(max_size + 1 - len(data))
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None
    if len(data) > max_size:
        raise _too_large(max_size)
    return decode(data)


def text_problem(text: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> NotText | None:
    """Why ``read_markdown`` would not read a file holding ``text`` (an editor's buffer)."""
    try:
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates: the bytes of no UTF-8 file
        size = -1
    if "\0" not in text and 0 <= size <= max_size:
        return None
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > max_size:
        return _too_large(max_size)
    try:
        decode(data)
    except NotText as problem:
        return problem
    return None


def file_stamp(path: Path) -> tuple[int, int] | None:
    """When a file was last written, and its size; None when it is not there."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _too_large(max_size: int) -> NotText:
    return NotText(f"file is larger than {human_size(max_size)} (max-file-size); not checked")


def human_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise NotText("file starts with a UTF-16 byte order mark but is not UTF-16") from None
    if b"\0" in data:
        raise NotText("binary file (it contains NUL bytes); not checked")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        guess = likely_encoding(data)
        named = f"it looks like {guess}" if guess else "its encoding is unknown"
        raise NotText(
            f"file is not UTF-8 ({named}; first bad byte on line {line}); convert it to "
            "UTF-8 — no other rule ran on it"
        ) from None


# The most frequent characters of Chinese in each script and the Japanese kana: a decoding
# that produces them is far more likely right than one that produces rare characters.
_SIMPLIFIED = set(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过"
    "家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本"
    "见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己"
    "话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平"
    "真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报"
    "立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务"
    "制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科"
    "怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运"
    "武半候七必城父强步完革深区模型训练数据网络学习算法参数图像特征损失函数优化"
)
_TRADITIONAL = set(
    "的一是不了人我在有他這中大來上國個到說們為子和你地出道也時年得就那要下以生會自著去之過"
    "家學對可她裡後小麼心多天而能好都然沒日於起還發成事只作當想看文無開手十用主行方又如前所本"
    "見經頭面公同三已老從動兩長知民樣現分將外但身些與高意進把法此實回二理美點月明其種聲全工己"
    "話兒者向情部正名定女問力機給等幾很業最間新什打便位因重被走電四第門相次東政海口使教西再平"
    "真聽世氣信北少關並內加化由卻代軍產入先山五太水萬市眼體別處總才場師書比住員九笑性通目華報"
    "立馬命張活難神數件安表原車白應路期叫死常提感金何更反合放做係計或司利受光王果親界及今京務"
    "制解各任至清物台象記邊共風戰乾接它許八特覺望直服毛林題建南度統色字請交愛讓認算論百吃義科"
    "怎元社術結六功指思非流每青管夫連遠資隊跟帶花快條院變聯言權往展該領傳近留紅治決周保達辦運"
    "武半候七必城父強步完革深區模型訓練數據網絡學習算法參數圖像特徵損失函數優化"
)
_KANA = set(
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
    "がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽっゃゅょ"
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポッャュョー"
)
_CANDIDATES = (
    ("GBK (or GB18030)", "gb18030", _SIMPLIFIED),
    ("Big5", "big5", _TRADITIONAL),
    ("Shift-JIS", "shift_jis", _KANA),
    ("EUC-KR", "euc_kr", None),
)


def likely_encoding(data: bytes) -> str | None:
    """A light guess at a legacy encoding: the CJK decoding that yields the most common
    characters of its script wins; Latin-1 (Windows-1252) when no CJK decoding fits."""
    sample = data[:65536]
    best_name, best_score = None, 0.0
    for name, codec, common in _CANDIDATES:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            # A cut multi-byte character at the end of the sample is not evidence.
            try:
                text = sample[:-1].decode(codec)
            except UnicodeDecodeError:
                continue
        wide = [char for char in text if ord(char) > 0x2E7F]
        if not wide:
            continue
        if common is None:
            hangul = sum(1 for char in wide if 0xAC00 <= ord(char) <= 0xD7A3)
            score = hangul / len(wide)
        else:
            score = sum(1 for char in wide if char in common) / len(wide)
        if score > best_score:
            best_name, best_score = name, score
    if best_name is not None and best_score >= 0.2:
        return best_name
    if all(byte < 0x80 or byte >= 0xA0 for byte in sample) or _mostly_latin(sample):
        return "Latin-1 (or Windows-1252)"
    return None


def _mostly_latin(sample: bytes) -> bool:
    high = sum(1 for byte in sample if byte >= 0x80)
    return high * 10 < len(sample)
