-- marts.statement_checks: every published statement recomputed and compared with the warehouse, with BPS and with
-- potential/, within the precision each figure was stated at ("80%" is 79.5-80.5), with one finding in Indonesian
-- per problem, so that an analyst can check a figure before repeating it.
WITH statements AS (
    SELECT s.*,
           coalesce(s.stated_participants_precision, 0.5) AS participants_precision,
           coalesce(s.stated_denominator_precision, 0.5) AS denominator_precision,
           coalesce(s.stated_coverage_pct_precision, 0.005) AS coverage_precision,
           CASE WHEN s.stated_denominator > 0 AND s.stated_participants IS NOT NULL
                THEN 100.0 * s.stated_participants / s.stated_denominator END AS recomputed_pct,
           -- The range the stated figures allow: the fewest participants over the largest denominator, and back.
           CASE WHEN s.stated_denominator > 0 AND s.stated_participants IS NOT NULL
                THEN 100.0 * greatest(s.stated_participants - coalesce(s.stated_participants_precision, 0.5), 0)
                     / (s.stated_denominator + coalesce(s.stated_denominator_precision, 0.5)) END AS recomputed_low,
           CASE WHEN s.stated_denominator > 0 AND s.stated_participants IS NOT NULL
                THEN 100.0 * (s.stated_participants + coalesce(s.stated_participants_precision, 0.5))
                     / greatest(s.stated_denominator - coalesce(s.stated_denominator_precision, 0.5), 1) END AS recomputed_high,
           -- Only the parts the statement gives are added up; NULL when it gives none.
           -- A segment the statement does not name is no part of its total; one whose cell did not read is unknown, and
           -- an unknown figure never enters a sum.
           CASE WHEN coalesce(s.stated_pu, s.stated_bpu, s.stated_jakon, s.stated_pmi) IS NOT NULL
                 AND NOT coalesce(regexp_matches(s.not_parsed, 'stated_(pu|bpu|jakon|pmi) ='), false)
                THEN coalesce(s.stated_pu, 0) + coalesce(s.stated_bpu, 0) + coalesce(s.stated_jakon, 0) + coalesce(s.stated_pmi, 0) END AS stated_segments_sum,
           -- Formal and informal are the two halves of every worker: both or no sum.
           s.stated_formal + s.stated_informal AS stated_formal_informal_sum,
           -- Parts and total each rounded: the sum may be off by the precision of every figure in it.
           coalesce(s.stated_participants_precision, 0.5) + 4 * coalesce(s.stated_parts_precision, 0.5) AS parts_tolerance
    FROM {{ ref('statements') }} s
),
latest_bps AS (
    -- The BPS figure of the statement's own base (all employed persons for all segments, formal workers for PU,
    -- informal workers for BPU; Jakon and PMI have none) that was the latest published on the statement's date. A
    -- kab/kota figure comes out later than the province figures whose date core.bps_published gives, so for a kab/kota
    -- the round before it counts as current too: of the two, the one the statement's denominator equals, else the
    -- latest. A figure from before a province was split is never the comparison for a later period.
    SELECT statement_id, figure AS bps_employed, basis AS bps_basis, year AS bps_year, survey_month AS bps_survey_month,
           published_on AS bps_published_on, precision_persons AS bps_precision
    FROM (
        SELECT s.statement_id, s.stated_denominator, s.denominator_precision, b.*,
               dense_rank() OVER (PARTITION BY s.statement_id ORDER BY b.published_on DESC) AS recency,
               CASE WHEN r.region_level IN ('regency', 'city') THEN 2 ELSE 1 END AS rounds_current
        FROM statements s
        JOIN {{ source('ref', 'regions') }} r USING (region_code)
        JOIN {{ ref('bps_published') }} b
          ON b.region_code = s.region_code AND b.published_on <= s.stated_on
         AND b.basis = CASE s.segment WHEN 'ALL' THEN 'bps_employed' WHEN 'PU' THEN 'bps_formal' WHEN 'BPU' THEN 'bps_informal' END
         AND NOT (b.pre_split AND year(s.period) > b.year)
    )
    WHERE recency <= rounds_current
    QUALIFY row_number() OVER (
                PARTITION BY statement_id
                ORDER BY abs(stated_denominator - figure) <= denominator_precision + precision_persons DESC NULLS LAST,
                         published_on DESC, precision_persons) = 1
),
everyone AS (
    -- Everyone BPS counts as employed, latest published: no denominator of any segment can exceed it.
    SELECT s.statement_id, b.figure AS all_employed, b.precision_persons AS all_employed_precision,
           {{ id_month('make_date(b.year, b.survey_month, 1)') }} AS all_employed_round_text
    FROM statements s
    JOIN {{ ref('bps_published') }} b
      ON b.region_code = s.region_code AND b.published_on <= s.stated_on AND b.basis = 'bps_employed'
     AND NOT (b.pre_split AND year(s.period) > b.year)
    QUALIFY row_number() OVER (PARTITION BY s.statement_id ORDER BY b.published_on DESC, b.precision_persons) = 1
),
pre_split_only AS (
    -- Statements about a period after a split whose BPS figure is from before it: said so, not compared.
    SELECT s.statement_id, max(b.year) AS pre_split_year
    FROM statements s
    JOIN {{ ref('bps_published') }} b
      ON b.region_code = s.region_code AND b.published_on <= s.stated_on AND b.pre_split AND year(s.period) > b.year
     AND b.basis = CASE s.segment WHEN 'ALL' THEN 'bps_employed' WHEN 'PU' THEN 'bps_formal' WHEN 'BPU' THEN 'bps_informal' END
    GROUP BY s.statement_id
),
matching_bps AS (
    -- Every BPS figure the stated denominator equals within both precisions: what the statement divided by.
    SELECT s.statement_id,
           string_agg(
               CASE b.basis WHEN 'bps_employed' THEN 'penduduk bekerja' WHEN 'bps_formal' THEN 'pekerja formal' ELSE 'pekerja informal' END
               || ' BPS Sakernas ' || CASE b.survey_month WHEN 8 THEN 'Agustus' ELSE 'Februari' END || ' ' || b.year
               || ' (' || {{ id_number('b.figure') }} || ')', '; ' ORDER BY b.published_on DESC, b.basis) AS denominator_matches_bps,
           max(b.published_on) FILTER (WHERE b.basis = 'bps_employed') AS matched_employed_published_on
    FROM statements s
    JOIN {{ ref('bps_published') }} b
      ON b.region_code = s.region_code AND abs(s.stated_denominator - b.figure) <= s.denominator_precision + b.precision_persons
    GROUP BY s.statement_id
),
warehouse AS (
    -- The warehouse's figure for the statement's month; for a statement about a year, its latest month with data.
    SELECT s.statement_id, c.period AS warehouse_period, c.active_participants AS warehouse_participants,
           c.segments_reported AS warehouse_segments, c.coverage_pct AS warehouse_coverage_pct
    FROM statements s
    JOIN {{ ref('coverage') }} c
      ON c.region_code = s.region_code AND c.segment = s.segment
     AND (c.period = s.period OR (s.period_grain = 'year' AND year(c.period) = year(s.period)))
    QUALIFY row_number() OVER (PARTITION BY s.statement_id ORDER BY c.period DESC) = 1
),
potential AS (
    SELECT s.statement_id, p.potential_workers, p.year AS potential_year
    FROM statements s
    JOIN {{ ref('potential') }} p ON p.region_code = s.region_code AND p.segment = s.segment AND p.year <= year(s.period)
    QUALIFY row_number() OVER (PARTITION BY s.statement_id ORDER BY p.year DESC) = 1
),
compared AS (
    SELECT s.*, b.* EXCLUDE (statement_id), w.* EXCLUDE (statement_id), p.* EXCLUDE (statement_id), m.* EXCLUDE (statement_id),
           ps.pre_split_year,
           e.all_employed, e.all_employed_precision, e.all_employed_round_text,
           CASE b.bps_basis WHEN 'bps_formal' THEN 'pekerja formal' WHEN 'bps_informal' THEN 'pekerja informal' ELSE 'penduduk bekerja' END AS bps_basis_text,
           s.stated_participants - w.warehouse_participants AS participants_difference,
           100.0 * (s.stated_participants - w.warehouse_participants) / nullif(w.warehouse_participants, 0) AS participants_difference_pct,
           s.stated_coverage_pct - w.warehouse_coverage_pct AS coverage_difference_pp,
           s.segment = 'ALL' AND coalesce(s.denominator_kind, 'bps_employed') = 'bps_employed' AS comparable_coverage,
           100.0 * (s.stated_denominator - b.bps_employed) / nullif(b.bps_employed, 0) AS denominator_vs_bps_pct,
           -- Off BPS: not the latest figure published on the statement's date, nor a newer one (a statement dated by its
           -- data month may have been said after the next round came out); an older round is named as what it is.
           abs(s.stated_denominator - b.bps_employed) > s.denominator_precision + b.bps_precision
               AND coalesce(m.matched_employed_published_on < b.bps_published_on, true) AS denominator_off_bps,
           -- People still needed as the statement's own figures give them: its target less its participants.
           CASE WHEN s.target_metric = 'active_participants' THEN s.target_value - s.stated_participants
                WHEN s.target_metric = 'coverage_pct' THEN s.target_value / 100 * coalesce(s.stated_denominator, b.bps_employed) - s.stated_participants
           END AS expected_gap,
           coalesce(s.stated_gap_precision, 0.5) + s.participants_precision
               + CASE WHEN s.target_metric = 'coverage_pct' THEN coalesce(s.target_value_precision, 0) / 100 * coalesce(s.stated_denominator, b.bps_employed)
                      ELSE coalesce(s.target_value_precision, 0.5) END AS gap_tolerance,
           r.region_name,
           CASE WHEN s.period_grain = 'year' THEN 'tahun ' || year(s.period) ELSE {{ id_month('s.period') }} END AS when_text,
           {{ id_month('make_date(b.bps_year, b.bps_survey_month, 1)') }} AS bps_round_text,
           CASE s.segment WHEN 'ALL' THEN 'semua segmen' ELSE s.segment END AS segment_text
    FROM statements s
    JOIN {{ source('ref', 'regions') }} r USING (region_code)
    LEFT JOIN latest_bps b ON b.statement_id = s.statement_id
    LEFT JOIN warehouse w ON w.statement_id = s.statement_id
    LEFT JOIN potential p ON p.statement_id = s.statement_id
    LEFT JOIN matching_bps m ON m.statement_id = s.statement_id
    LEFT JOIN pre_split_only ps ON ps.statement_id = s.statement_id
    LEFT JOIN everyone e ON e.statement_id = s.statement_id
),
findings AS (
    SELECT *,
        list_filter([
            CASE WHEN recomputed_high < stated_coverage_pct - coverage_precision OR recomputed_low > stated_coverage_pct + coverage_precision THEN
                'Aritmetika: ' || {{ id_number('stated_participants') }} || ' dari ' || {{ id_number('stated_denominator') }} || ' adalah '
                || {{ id_number('recomputed_pct', 2) }} || '%, bukan ' || {{ id_number('stated_coverage_pct', decimals_of('coverage_precision')) }}
                || '% seperti disebut (selisih ' || {{ id_number('abs(recomputed_pct - stated_coverage_pct)', 2) }} || ' poin).' END,
            CASE WHEN abs(stated_segments_sum - stated_participants) > parts_tolerance THEN
                'Segmen: angka segmen berjumlah ' || {{ id_number('stated_segments_sum') }} || ', bukan total yang disebut '
                || {{ id_number('stated_participants') }} || '.' END,
            CASE WHEN abs(stated_formal_informal_sum - stated_participants) > parts_tolerance THEN
                'Formal/informal: formal dan informal berjumlah ' || {{ id_number('stated_formal_informal_sum') }} || ', bukan total yang disebut '
                || {{ id_number('stated_participants') }} || '.' END,
            CASE WHEN abs(participants_difference) > 0.01 * warehouse_participants + participants_precision THEN
                'Peserta: gudang data mencatat ' || {{ id_number('warehouse_participants') }} || ' peserta aktif (' || segment_text || ') di '
                || region_name || ' pada ' || {{ id_month('warehouse_period') }} || ', pernyataan ' || {{ id_number('stated_participants') }}
                || ' (' || CASE WHEN participants_difference_pct >= 0 THEN '+' ELSE '' END || {{ id_number('participants_difference_pct', 1) }} || '%).' END,
            -- Coverage is compared on the same basis only: all segments over BPS employed persons (or a statement that
            -- does not say what it divided by).
            CASE WHEN comparable_coverage AND abs(coverage_difference_pp) > 0.5 + coverage_precision THEN
                'Cakupan: gudang data mencatat ' || {{ id_number('warehouse_coverage_pct', 2) }} || '% dari penduduk bekerja BPS di ' || region_name
                || ' pada ' || {{ id_month('warehouse_period') }} || ', pernyataan ' || {{ id_number('stated_coverage_pct', decimals_of('coverage_precision')) }}
                || '% (' || CASE WHEN coverage_difference_pp >= 0 THEN '+' ELSE '' END || {{ id_number('coverage_difference_pp', 2) }} || ' poin).' END,
            CASE WHEN coalesce(denominator_kind, 'bps_employed') = 'bps_employed' AND denominator_off_bps THEN
                'Penyebut: ' || CASE WHEN denominator_kind IS NULL THEN 'dasar penyebut tidak disebut; ' ELSE '' END
                || 'pernyataan membagi dengan ' || {{ id_number('stated_denominator') }} || ', tetapi angka ' || bps_basis_text || ' BPS terakhir yang terbit pada tanggal itu adalah '
                || {{ id_number('bps_employed') }} || ' (Sakernas ' || bps_round_text || ') untuk ' || region_name || ' ('
                || CASE WHEN denominator_vs_bps_pct >= 0 THEN '+' ELSE '' END || {{ id_number('denominator_vs_bps_pct', 1) }} || '%).'
                || coalesce(' Angka itu sama dengan ' || denominator_matches_bps || '.', '') END,
            CASE WHEN denominator_kind = 'potential' AND abs(stated_denominator - potential_workers) > denominator_precision + 0.5 THEN
                'Penyebut: ' || {{ id_number('stated_denominator') }} || ' pekerja potensial, tetapi folder potential/ mencatat '
                || {{ id_number('potential_workers') }} || ' untuk ' || region_name || ' tahun ' || potential_year || '.' END,
            CASE WHEN denominator_kind IN ('potential', 'other') AND stated_denominator > all_employed + denominator_precision + all_employed_precision THEN
                'Penyebut: ' || {{ id_number('stated_denominator') }} || ' pekerja (' || coalesce(denominator_words, denominator_kind)
                || ') lebih banyak dari seluruh ' || {{ id_number('all_employed') }} || ' penduduk bekerja menurut BPS di ' || region_name
                || ' (Sakernas ' || all_employed_round_text || '); persentasenya tidak mungkin bagian dari pekerja yang ada.' END,
            CASE WHEN abs(stated_gap - expected_gap) > gap_tolerance THEN
                'Kekurangan: pernyataan menyebut masih ' || {{ id_number('stated_gap') }} || ' peserta lagi, tetapi target dan pesertanya sendiri memberi '
                || {{ id_number('expected_gap') }} || '.' END,
            CASE WHEN stated_coverage_pct - coverage_precision > 100 THEN
                'Cakupan: cakupan yang disebut, ' || {{ id_number('stated_coverage_pct', 2) }} || '%, lebih dari 100%.' END
        ], lambda f: f IS NOT NULL) AS problems,
        list_filter([
            CASE WHEN warehouse_participants IS NULL THEN 'tidak ada angka gudang data untuk ' || region_name || ' (' || segment_text || ') ' || when_text END,
            CASE WHEN bps_employed IS NULL AND stated_denominator IS NOT NULL AND segment IN ('JAKON', 'PMI') THEN
                 'BPS tidak menerbitkan penyebut untuk segmen ' || segment || ', jadi penyebutnya tidak dibandingkan' END,
            CASE WHEN bps_employed IS NULL AND stated_denominator IS NOT NULL AND pre_split_year IS NOT NULL THEN
                 'angka BPS terakhir untuk ' || region_name || ' (' || pre_split_year || ') mencakup provinsi sebelum pemekaran 2022; tidak dipakai sebagai pembanding untuk ' || when_text END,
            CASE WHEN bps_employed IS NULL AND stated_denominator IS NOT NULL AND pre_split_year IS NULL AND segment NOT IN ('JAKON', 'PMI') THEN
                 'tidak ada angka BPS ' || CASE segment WHEN 'PU' THEN 'pekerja formal' WHEN 'BPU' THEN 'pekerja informal' ELSE 'penduduk bekerja' END
                 || ' yang sudah terbit untuk ' || region_name || ' sebagai pembanding penyebut' END,
            CASE WHEN coalesce(stated_pu, stated_bpu, stated_jakon, stated_pmi) IS NOT NULL AND stated_segments_sum IS NULL
                 THEN 'jumlah segmen: ada angka segmen yang tidak terbaca' END,
            CASE WHEN (stated_formal IS NULL) <> (stated_informal IS NULL) AND stated_participants IS NOT NULL
                 THEN 'formal + informal: hanya satu yang disebut atau terbaca' END,
            CASE WHEN denominator_kind = 'potential' AND potential_workers IS NULL AND stated_denominator IS NOT NULL
                 THEN 'tidak ada angka potensi di folder potential/ untuk ' || region_name END,
            CASE WHEN stated_coverage_pct IS NOT NULL AND warehouse_participants IS NOT NULL AND NOT comparable_coverage
                 THEN 'cakupan terhadap gudang data (gudang data membagi semua segmen dengan penduduk bekerja BPS, PU dengan pekerja formal, BPU dengan pekerja informal)' END,
            CASE WHEN recomputed_pct IS NULL AND stated_coverage_pct IS NOT NULL THEN 'persentase tidak dapat dihitung ulang tanpa peserta dan penyebut' END,
            CASE WHEN stated_gap IS NOT NULL AND expected_gap IS NULL THEN 'kekurangan peserta tanpa target atau penyebut untuk menghitungnya' END,
            CASE WHEN not_parsed IS NOT NULL THEN 'sel tidak terbaca: ' || not_parsed END
        ], lambda f: f IS NOT NULL) AS unchecked
    FROM compared
)
SELECT
    statement_id,
    region_code,
    region_name,
    period::DATE AS period,
    period_grain,
    stated_on::DATE AS stated_on,
    stated_as_of,
    segment,
    source,
    url,
    stated_participants,
    stated_participants_precision,
    stated_denominator,
    stated_denominator_precision,
    denominator_kind,
    denominator_words,
    stated_coverage_pct,
    stated_coverage_pct_precision,
    recomputed_pct,
    CASE WHEN recomputed_pct IS NOT NULL AND stated_coverage_pct IS NOT NULL
         THEN NOT (recomputed_high < stated_coverage_pct - coverage_precision OR recomputed_low > stated_coverage_pct + coverage_precision) END AS arithmetic_ok,
    stated_pu,
    stated_bpu,
    stated_jakon,
    stated_pmi,
    stated_formal,
    stated_informal,
    stated_segments_sum,
    derived_parts,
    CASE WHEN stated_participants IS NOT NULL AND coalesce(stated_segments_sum, stated_formal_informal_sum) IS NOT NULL
         THEN coalesce(abs(stated_segments_sum - stated_participants) <= parts_tolerance, true)
          AND coalesce(abs(stated_formal_informal_sum - stated_participants) <= parts_tolerance, true) END AS segments_add_up,
    warehouse_period::DATE AS warehouse_period,
    warehouse_participants::BIGINT AS warehouse_participants,
    warehouse_segments,
    participants_difference::BIGINT AS participants_difference,
    participants_difference_pct,
    warehouse_coverage_pct,
    coverage_difference_pp,
    bps_employed::BIGINT AS bps_employed,
    bps_basis,
    bps_year::INTEGER AS bps_year,
    bps_survey_month::INTEGER AS bps_survey_month,
    bps_published_on::DATE AS bps_published_on,
    bps_precision,
    denominator_vs_bps_pct,
    denominator_matches_bps,
    potential_workers::BIGINT AS potential_workers,
    target_value,
    target_metric,
    target_deadline::DATE AS target_deadline,
    stated_gap,
    round(expected_gap)::BIGINT AS expected_gap,
    len(problems)::INTEGER AS problem_count,
    CASE WHEN len(problems) = 0 THEN 'Tidak ada masalah.' ELSE array_to_string(problems, ' ') END AS verdict,
    nullif(array_to_string(unchecked, '; '), '') AS not_checked,
    not_parsed
FROM findings
ORDER BY period, region_code, statement_id
