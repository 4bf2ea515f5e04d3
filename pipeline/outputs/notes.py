"""The note on each workbook column heading, in Indonesian: what the figure is, for a reader of the workbook.

The warehouse's own column descriptions (dbt yml, COMMENT ON) are for people who query it and are English; this is
what the workbook shows on hover. One note per column name (a column means the same on every sheet), with the few
that mean something else on one sheet in TABLE_NOTES. tests/test_exports.py fails on a workbook column without one.
"""

from __future__ import annotations

NOTES = {
    "target_id": "Kode target dalam daftar target",
    "region_code": "Kode wilayah Kemendagri (35 = provinsi, 35.75 = kab/kota, ID = nasional)",
    "region_name": "Nama resmi wilayah",
    "segment": (
        "PU (Penerima Upah), BPU (Bukan Penerima Upah), JAKON (Jasa Konstruksi), PMI (Pekerja "
        "Migran Indonesia) atau ALL (semua segmen)"
    ),
    "metric": "Ukuran target: coverage_pct (cakupan, %) atau active_participants (jumlah peserta)",
    "funding_source": (
        "Untuk target pemberi dana: APBD, DBHCHT atau CSR, diukur dengan pekerja rentan yang "
        "iurannya dibayar sumber itu; kosong untuk target cakupan"
    ),
    "target_value": "Nilai yang ditargetkan, dalam satuan ukurannya (% atau orang)",
    "deadline": "Bulan tenggat target",
    "baseline_period": "Bulan awal target",
    "baseline_value": "Nilai ukuran pada bulan awal",
    "as_of": (
        "Bulan terakhir yang ada datanya untuk target ini; status diukur pada bulan ini, bukan "
        "pada tanggal laporan dibuat"
    ),
    "current_value": "Nilai ukuran pada bulan data terakhir",
    "gap": "Target dikurangi nilai terkini (negatif jika sudah di atas target)",
    "months_remaining": "Bulan dari bulan data terakhir sampai tenggat; 0 jika tenggat sudah lewat",
    "required_monthly_change": "Selisih ke target dibagi sisa bulan: perubahan per bulan yang masih dibutuhkan",
    "recent_monthly_change": (
        "Rata-rata perubahan per bulan dalam 3 perubahan terakhir (keterangan saja; proyeksi dari garis tren)"
    ),
    "projected_at_deadline": (
        "Nilai garis tren (kuadrat terkecil atas 12 bulan terakhir) pada tenggat; kosong untuk "
        "target yang sudah tertutup"
    ),
    "status": (
        "Tercapai, Tidak tercapai, atau untuk target terbuka menurut peluangnya: Sesuai jalur (70% "
        "ke atas), Berisiko (30-70%), Tertinggal (di bawah 30%); Belum dapat diproyeksikan jika riwayat belum cukup"
    ),
    "trend_at_deadline": "Proyeksi pada tenggat, jika target punya rentang dan peluang",
    "trend_low_80": (
        "Batas bawah rentang 80%: dari galat yang benar-benar dibuat garis tren yang sama pada "
        "riwayat semua target (lihat docs/projections.md); tidak pernah selebar nol"
    ),
    "trend_high_80": "Batas atas rentang 80%",
    "probability_reaching": (
        "Peluang nilai pada tenggat mencapai target, dari galat tren yang terukur; tidak pernah 0% atau 100%"
    ),
    "error_horizon": "Jarak (bulan) yang galatnya dipakai untuk rentang dan peluang",
    "workforce_at_as_of": (
        "Untuk target cakupan: penyebut pada bulan data terakhir (penduduk bekerja BPS untuk semua "
        "segmen, pekerja formal untuk PU, informal untuk BPU)"
    ),
    "current_participants": "Peserta pada bulan data terakhir (pekerja yang dijamin, untuk target pemberi dana)",
    "participants_needed": "Untuk target terbuka: orang yang masih harus didaftarkan untuk mencapai target",
    "below_target_participants": (
        "Untuk target tertutup: berapa peserta nilai terkini berada di bawah tingkat target (bukan "
        "orang yang masih dibutuhkan)"
    ),
    "required_monthly_participants": "Peserta yang masih dibutuhkan dibagi sisa bulan",
    "recent_monthly_participants": "Rata-rata tambahan peserta per bulan dalam 3 perubahan terakhir",
    "costed_participants": (
        "Bagian dari peserta yang masih dibutuhkan yang dihitung iurannya, menurut dasar perhitungan iuran"
    ),
    "cost_basis": "Bagaimana angka rupiah dibuat, atau mengapa tidak dihitung",
    "monthly_rate_idr": (
        "Iuran BPU JKK+JKM per pekerja per bulan yang berlaku (Rp16.800, PP 44/2015), jika target dihitung biayanya"
    ),
    "cost_to_deadline_idr": (
        "Iuran jika peserta yang dihitung didaftarkan merata sampai tenggat dan dijamin sejak "
        "didaftarkan sampai tenggat (Rp)"
    ),
    "cost_year_after_deadline_idr": "Iuran untuk menjamin peserta yang dihitung selama 12 bulan setelah tenggat (Rp)",
    "committed_idr": (
        "Untuk target pemberi dana: iuran yang terutang menurut daftar pekerja rentannya, dari "
        "bulan awal sampai bulan data terakhir (Rp)"
    ),
    "budget_idr": "Anggaran yang disediakan untuk target, jika ada di daftar target (Rp)",
    "budget_remaining_idr": "Anggaran dikurangi iuran terutang sejauh ini (Rp)",
    "reached_period": "Bulan pertama target tercapai (setelah bulan awal dan sebelum tenggat)",
    "denominator": "Penyebut yang dipakai saat target dinyatakan, seperti di daftar target",
    "source": "Siapa yang menyatakan, di mana dan kapan",
    "period": "Bulan",
    "months_to_deadline": "Sisa bulan setelah bulan ini",
    "required_participants": "Peserta yang dibutuhkan pada bulan ini di jalur lurus menuju target",
    "required_coverage_pct": "Untuk target cakupan: peserta yang dibutuhkan sebagai persen penyebut",
    "participants_at_run_rate": "Peserta pada bulan ini jika laju perubahan sekarang berlanjut",
    "behind_run_rate": (
        "Peserta yang dibutuhkan dikurangi peserta menurut laju sekarang (negatif: lebih cepat dari jalur)"
    ),
    "funded_workers": (
        "Pekerja yang dihitung biayanya yang sudah didaftarkan rencana sampai bulan ini; kosong "
        "untuk target yang tidak dihitung biayanya"
    ),
    "plan_contribution_idr": "Iuran BPU JKK+JKM mereka pada bulan ini (Rp)",
    "plan_cumulative_idr": "Iuran rencana dijumlahkan dari bulan pertama rencana sampai bulan ini (Rp)",
    "statement_id": "Kode pernyataan di file, atau <jalur file>:<sheet>:<baris> jika tidak ada",
    "period_grain": "Apakah pernyataan bicara tentang satu bulan atau satu tahun",
    "stated_on": "Kapan pernyataan dibuat; angka BPS pembanding adalah yang terakhir terbit pada tanggal itu",
    "stated_as_of": "Tanggal atau bulan data seperti ditulis pernyataan",
    "url": "Tempat pernyataan diterbitkan",
    "stated_participants": "Peserta seperti disebut",
    "stated_participants_precision": "Setengah satuan angka terakhir yang disebut (5.000 untuk 2,45 juta)",
    "stated_denominator": "Penyebut seperti disebut",
    "stated_denominator_precision": "Setengah satuan angka terakhir penyebut yang disebut",
    "denominator_kind": (
        "Jenis penyebut: penduduk bekerja BPS, pekerja potensial, atau lainnya; kosong jika tidak disebut"
    ),
    "denominator_words": "Penyebut menurut kata-kata pernyataan sendiri",
    "stated_coverage_pct": "Cakupan (%) seperti disebut",
    "stated_coverage_pct_precision": "Setengah satuan desimal terakhir yang disebut, dalam poin (0,5 untuk 80%)",
    "recomputed_pct": "Peserta dibagi penyebut yang disebut, x 100",
    "arithmetic_ok": (
        "Benar jika persentase yang disebut sesuai dengan peserta dibagi penyebut dalam ketelitian ketiganya"
    ),
    "stated_pu": "Peserta PU seperti disebut",
    "stated_bpu": "Peserta BPU seperti disebut",
    "stated_jakon": "Peserta Jasa Konstruksi seperti disebut",
    "stated_pmi": "Peserta PMI seperti disebut",
    "stated_formal": "Peserta formal (PU + Jakon) seperti disebut",
    "stated_informal": "Peserta informal (BPU) seperti disebut",
    "stated_segments_sum": "Jumlah angka segmen yang disebut; kosong jika ada sel segmen yang tidak terbaca",
    "derived_parts": (
        "Bagian yang ditulis sebagai sisa ('sisanya pekerja informal'): total dikurangi bagian lain yang disebut"
    ),
    "segments_add_up": "Benar jika angka segmen, dan formal + informal, berjumlah sama dengan total yang disebut",
    "warehouse_period": "Bulan angka gudang data yang dibandingkan",
    "warehouse_participants": "Peserta aktif di gudang data untuk wilayah, segmen dan bulan yang sama",
    "warehouse_segments": "Segmen yang membentuk angka gudang data itu",
    "participants_difference": "Peserta disebut dikurangi peserta gudang data",
    "participants_difference_pct": "Selisih peserta sebagai persen peserta gudang data (masalah jika lebih dari 1%)",
    "warehouse_coverage_pct": (
        "Cakupan gudang data terhadap penduduk bekerja BPS untuk wilayah, segmen dan bulan yang sama"
    ),
    "coverage_difference_pp": "Cakupan disebut dikurangi cakupan gudang data, dalam poin",
    "bps_employed": (
        "Angka BPS dasar pernyataan (penduduk bekerja, pekerja formal atau informal) yang berlaku "
        "pada tanggal pernyataan"
    ),
    "bps_basis": "Dasar angka BPS pembanding: penduduk bekerja (semua segmen), pekerja formal (PU) atau informal (BPU)",
    "bps_year": "Tahun survei Sakernas angka BPS pembanding",
    "bps_survey_month": "Bulan survei Sakernas: 8 = Agustus, 2 = Februari",
    "bps_published_on": "Tanggal angka BPS itu terbit",
    "bps_precision": "Setengah satuan angka terakhir angka BPS seperti diterbitkan (orang)",
    "denominator_vs_bps_pct": "Selisih penyebut yang disebut terhadap angka BPS, dalam persen",
    "denominator_matches_bps": (
        "Setiap angka BPS yang sama dengan penyebut yang disebut: apa yang sebenarnya dipakai pernyataan"
    ),
    "potential_workers": "Pekerja potensial (penyebut UCJ) di folder potential/ untuk wilayah dan segmen itu",
    "target_metric": "Apakah target yang disebut pernyataan berupa persen atau orang",
    "target_deadline": "Bulan tenggat target yang disebut",
    "stated_gap": "Peserta yang menurut pernyataan masih dibutuhkan",
    "expected_gap": "Peserta yang masih dibutuhkan menurut angka pernyataan itu sendiri",
    "problem_count": "Jumlah masalah yang ditemukan (0 = pernyataan tidak bermasalah sejauh dapat diperiksa)",
    "verdict": "Satu kalimat per masalah yang ditemukan",
    "not_checked": "Apa yang tidak dapat diperiksa dan mengapa",
    "not_parsed": "Sel pernyataan yang tidak terbaca, dengan alasannya",
    "region_level": "Tingkat wilayah: nasional, provinsi, kabupaten atau kota",
    "province_code": "Kode provinsi Kemendagri (kosong untuk nasional)",
    "active_participants": "Peserta aktif",
    "workforce": (
        "Penyebut: penduduk bekerja BPS (semua segmen), pekerja formal (PU) atau informal (BPU); "
        "kosong untuk Jakon, PMI dan jika BPS tidak punya angka"
    ),
    "workforce_basis": "Dasar penyebut",
    "workforce_year": "Tahun angka BPS penyebut: tahun terakhir pada atau sebelum tahun bulan itu",
    "coverage_pct": (
        "Cakupan terhadap penduduk bekerja BPS: peserta aktif dibagi penyebut x 100; kosong tanpa "
        "penyebut atau jika ada kab/kota yang tidak melapor"
    ),
    "segments_reported": "Segmen yang membentuk angka peserta (laporan sering hanya memuat PU dan BPU)",
    "participants_source": "Dilaporkan langsung untuk wilayah ini, atau dijumlahkan dari kab/kota",
    "regions_reporting": "Untuk angka yang dijumlahkan: wilayah di bawahnya yang punya angka",
    "regions_expected": "Untuk provinsi dan nasional: jumlah wilayah di bawahnya",
    "is_complete": (
        "Salah hanya untuk jumlah yang kekurangan wilayah di bawahnya; angka seperti itu tidak diberi cakupan"
    ),
    "mom_change": "Perubahan dari bulan sebelumnya; kosong jika bulan itu tidak lengkap atau dibentuk segmen lain",
    "yoy_change": "Perubahan dari bulan yang sama setahun sebelumnya",
    "yoy_pct": "Perubahan tahunan dalam persen",
    "denominator_source": "Siapa yang menerbitkan angka pekerja potensial, di mana dan kapan",
    "exceeds_bps_employed": (
        "Benar jika pekerja potensial lebih banyak dari seluruh penduduk bekerja menurut BPS: "
        "penyebut itu tidak mungkin benar"
    ),
    "bps_coverage_pct": (
        "Cakupan terhadap penduduk bekerja BPS untuk bulan, wilayah dan segmen yang sama, untuk dibaca berdampingan"
    ),
    "insured_workers": "Pekerja berbeda yang dijamin pada bulan itu",
    "new_workers": "Dijamin bulan ini tetapi tidak bulan sebelumnya",
    "ended_workers": "Dijamin bulan ini tetapi tidak bulan sesudahnya",
    "contribution_idr": "Pekerja dijamin x iuran BPU JKK+JKM yang berlaku bulan itu (Rp16.800 sejak Juli 2015)",
}

# The same column name that means something else on one sheet.
TABLE_NOTES = {
    ("marts.coverage_potential", "coverage_pct"): "Cakupan UCJ: peserta aktif dibagi pekerja potensial x 100",
    ("marts.coverage_potential", "workforce"): "Pekerja potensial (penyebut UCJ) dari folder potential/",
    ("marts.coverage_potential", "workforce_basis"): "potential: penyebut pekerja potensial",
    ("marts.coverage_potential", "workforce_year"): "Tahun angka pekerja potensial",
}


def note(table: str, column: str) -> str | None:
    return TABLE_NOTES.get((table, column)) or NOTES.get(column)
