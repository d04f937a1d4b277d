from backend.rag.fusion import reciprocal_rank_fusion


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]], k=60)
    assert [i for i, _ in fused] == [1, 3, 2, 4]
    assert abs(fused[0][1] - (1 / 61 + 1 / 62)) < 1e-12


def test_rrf_of_one_list_keeps_its_order():
    assert [i for i, _ in reciprocal_rank_fusion([[5, 9, 7]])] == [5, 9, 7]


def test_rrf_of_nothing():
    assert reciprocal_rank_fusion([[], []]) == []
