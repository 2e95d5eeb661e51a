"""Who signs a council's documents: its chair, or a vice-chair for the chair."""

from initiatives import printing


def vice_chair_of(members):
    return next(m for m in members if m.role == "vice_chair")


def test_the_chair_signs_for_the_council_when_present(kit, seated, council):
    board = seated(5)
    session = kit.session(council, [kit.accept(council)])
    block = printing._council_signer(council, session)
    assert block.lines == ("TM. HỘI ĐỒNG", "CHỦ TỊCH")
    assert block.name == board.chair.user.get_full_name()


def test_a_vice_chair_presiding_signs_for_the_chair(kit, seated, council):
    board = seated(5)
    present = [m for m in board.members if m.pk != board.chair.pk]
    session = kit.session(council, [kit.accept(council)], present=present)
    deputy = vice_chair_of(board.members)
    for context in (
        printing.minutes_context(session, []),
        printing.decision_context(session, []),
    ):
        block = context["signer"]
        assert block.lines == ("TM. HỘI ĐỒNG", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
        assert block.name == deputy.user.get_full_name()
