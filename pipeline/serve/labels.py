"""The workspace's words, in Thai (the default) and English (`?lang=en`)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "th": {
        "title": "ตรวจและแก้ไขข้อมูล",
        "queue": "รายการที่ต้องตรวจ",
        "document": "เอกสาร",
        "cells": "ช่อง",
        "to_check": "ต้องตรวจ",
        "done": "ตรวจแล้ว",
        "start": "เริ่มตรวจ",
        "text": "ข้อความ",
        "normalized": "ค่าที่แปลงแล้ว",
        "period": "ช่วงเวลา",
        "warnings": "คำเตือน",
        "none": "ไม่มี",
        "confidence": "ความมั่นใจ OCR",
        "shortcuts": "Enter ยืนยันแล้วไปต่อ · e แก้ไข · Ctrl+Enter บันทึก · Esc เลิกแก้ · u ย้อนกลับ"
        " · n/p ถัดไป/ก่อนหน้า · +/− ซูม · ลูกศร เลื่อนภาพ · 0 ขนาดจริง · l English",
        "saved": "บันทึกแล้ว",
        "conflict": "มีผู้อื่นแก้ช่องนี้แล้ว: ",
        "remaining": "เหลือ",
        "no_image": "ไม่มีภาพหน้าเอกสาร",
        "record": "แถว",
        "back": "กลับไปที่รายการ",
    },
    "en": {
        "title": "Check and correct",
        "queue": "Queue",
        "document": "Document",
        "cells": "cells",
        "to_check": "to check",
        "done": "done",
        "start": "Start",
        "text": "Text",
        "normalized": "Normalized",
        "period": "period",
        "warnings": "Warnings",
        "none": "none",
        "confidence": "OCR confidence",
        "shortcuts": "Enter confirm and next · e edit · Ctrl+Enter save · Esc stop editing · u undo"
        " · n/p next/previous · +/− zoom · arrows pan · 0 actual size · l ไทย",
        "saved": "saved",
        "conflict": "someone else changed this cell: ",
        "remaining": "remaining",
        "no_image": "no page image",
        "record": "row",
        "back": "back to the queue",
    },
}
