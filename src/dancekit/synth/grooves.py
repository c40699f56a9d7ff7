"""Which MMA grooves may accompany which dance, and at what MMA tempo.

Why many grooves per dance: a CNN trained on one groove family per dance learnt the family,
not the dance (98 % on synthetic clips, ~35 % on real songs). So each dance gets its own
style grooves from several MMA libraries *plus* generic pop/swing/latin grooves that real
ballroom CDs use at that tempo; the tempo (from real tracks) and meter stay the dance's.

Every name below was read from ``/usr/share/mma/lib`` (MMA 21.09, Debian ``mma``);
``tests/synth/test_grooves.py`` checks they all still parse. ``tempo_factor`` converts the
dance's beats per minute into MMA's ``Tempo``: 2.0 where the groove file notates a two-beat
bar as four MMA beats (stdlib samba "really in 2/2 ... double the tempo", stdlib march and
bwmarch "most marches are in 2/4 ... double the tempo"); 1.0 elsewhere (zoom/samba puts its
surdo pattern on every MMA beat; casio/march1 kicks on every beat).

Choices per dance (``lib/file``):
- Slow Waltz (3/4 only): stdlib waltz, jazzwaltz, broadwaywaltz, countrywaltz, arpeggiowaltz,
  rockwaltz, modernjazzwaltz, latinwaltz; casio popwaltz, jazzwaltz; yamaha jazzwaltz; zoom bald34, rock34 (drums).
- Viennese Waltz (3/4 only): stdlib vienesewaltz, fastwaltz, fastjazzwaltz, frenchwaltz
  (musette), countrywaltz; casio popwaltz; zoom bald34 (drums).
- Tango: stdlib tango, lighttango (the only tango patterns MMA has; 4/4, staccato).
- Slow Foxtrot: stdlib foxtrot, easyswing, softshoe, bigband, showtune; casio foxtrot,
  slowswing, slowbigband, middlebigband; yamaha jazzswing, jazzbasie (swing standards at ~116).
- Quickstep: stdlib quickstep, fastswing, charleston, dixie; casio quickstep, fastbigband, swing.
- Jive: stdlib jive, 50srock, boggiewoggie, shuffleboggie; kara K50s_rock, happyshuffle;
  casio shuffleboogie, popshuffle1, twist.
- Cha Cha Cha: stdlib chacha, mambo; yamaha mambo; casio latinfusion, latinhouse, 8beatpop1
  (modern pop cha chas); zoom latin (drums).
- Rumba: stdlib rhumba, jazzrhumba, bolero, slowbolero, beguine; casio 16beatballad1, popballad
  (pop ballads are the bulk of modern rumba music).
- Samba: stdlib samba (x2 tempo), zoom samba (drums). Only real samba patterns: the casio
  latin grooves have a 4/4 clave feel that belongs to cha cha.
- Paso Doble (no pasodoble groove exists in MMA): straight 2/4 marches - stdlib march and
  bwmarch (x2 tempo), casio march1, germanmarch; stdlib dixiemarch. 6/8 marches are left out
  (compound meter is not paso doble).
- Other (reject class): salsa (stdlib salsa, yamaha salsa1/2), merengue, polka (stdlib, casio),
  west coast swing / R&B shuffle (stdlib rb, casio r+b, 16shuffle1), hustle/disco (casio
  discosoul, dance1, stdlib boneym, zoom dance), bachata-like (stdlib bolero played fast,
  son), reggae (zoom), hip hop (casio), 6/8 ballad (casio 68ballad; its "bpm" is MMA's eighth-note tempo).
"""

from __future__ import annotations

from dataclasses import dataclass

from dancekit.dances import OTHER


@dataclass(frozen=True)
class GrooveFamily:
    """One MMA groove file and the grooves in it that we play: mains, intro, fill, ending.

    Parameters
    ----------
    file : str
        Library-relative groove file, as given to MMA ``Use`` (``"stdlib/waltz"``).
    mains : tuple of str
        Main grooves; the first one is played most.
    intro, fill, end : str, optional
        Grooves for the start, the bar before a new section, and the ending.
    beats_per_bar : int
        MMA's ``Time`` of these grooves.
    tempo_factor : float
        MMA ``Tempo`` = dance BPM x this (for grooves written at half or double time).
    drums_only : bool
        The grooves have drums only (zoom): the song adds its own bass and chords.
    weight : float
        Relative chance of being picked among a dance's families.
    """

    file: str  # library-relative, as given to MMA ``Use``: "stdlib/waltz"
    mains: tuple[str, ...]
    intro: str | None = None
    fill: str | None = None
    end: str | None = None
    beats_per_bar: int = 4  # MMA's Time of these grooves
    tempo_factor: float = 1.0  # MMA Tempo = dance BPM * tempo_factor
    drums_only: bool = False  # zoom grooves: we add our own bass and chords
    weight: float = 1.0

    @property
    def all_grooves(self) -> tuple[str, ...]:
        """Every groove of the family that a song may play."""
        return self.mains + tuple(g for g in (self.intro, self.fill, self.end) if g)


def _g(file, mains, intro=None, fill=None, end=None, bpb=4, factor=1.0, drums=False, weight=1.0):
    return GrooveFamily(file, tuple(mains.split()), intro, fill, end, bpb, factor, drums, weight)


_SLOW_WALTZ = (
    _g("stdlib/waltz", "Waltz Waltz1 WaltzWalk Waltz1Walk WaltzSus", "WaltzIntro", None, "WaltzEnd", 3, weight=2),
    _g("stdlib/jazzwaltz", "JazzWaltz JazzWaltz1 JazzWaltz2", "JazzWaltzIntro", "JazzWaltzFill", "JazzWaltzEnd", 3),
    _g("stdlib/broadwaywaltz", "BroadwayWaltz BroadwayWaltz1 BroadwayWaltz2", "BroadwayWaltzIntro", None, "BroadwayWaltzEnd", 3),
    _g("stdlib/countrywaltz", "CountryWaltz CountryWaltz1 CountryWaltz2", "CountryWaltzIntro", None, "CountryWaltzEnd", 3),
    _g("stdlib/arpeggiowaltz", "ArpeggioWaltz ArpeggioWaltz8 ArpeggioWaltzSus", "ArpeggioWaltzIntro", None, None, 3),
    _g("stdlib/rockwaltz", "RockWaltz RockWaltz1 RockWaltzWalk", "RockWaltzIntro", None, "RockWaltzEnd", 3),
    _g("stdlib/modernjazzwaltz", "ModernJazzWaltz ModernJazzWaltz1 ModernJazzWaltz2", "ModernJazzWaltzIntro", "ModernJazzWaltzFill", "ModernJazzWaltzEnd", 3),
    _g("stdlib/latinwaltz", "LatinWaltz LatinWaltzPlus LatinWaltzSus", "LatinWaltzIntro", "LatinWaltzFill", "LatinWaltzEnd", 3),
    _g("casio/popwaltz", "PopWaltz", "PopWaltzIntro", None, "PopWaltzEnd", 3, weight=1.5),
    _g("casio/jazzwaltz", "JazzWaltz", "JazzWaltzIntro", None, "JazzWaltzEnd", 3),
    _g("yamaha/jazzwaltz", "JazzWaltzMainA JazzWaltzMainB", "JazzWaltzIntroA", "JazzWaltzFillAA", "JazzWaltzEndingA", 3),
    _g("zoom/bald34", "BALD05 BALD11", bpb=3, drums=True, weight=0.7),
    _g("zoom/rock34", "ROCK28", bpb=3, drums=True, weight=0.5),
)

_VIENNESE_WALTZ = (
    _g("stdlib/vienesewaltz", "VieneseWaltz VieneseWaltz1 VieneseWaltz2", "VieneseWaltzIntro", None, "VieneseWaltzEnd", 3, weight=2),
    _g("stdlib/fastwaltz", "FastWaltz FastWaltzPlus FastWaltzWalk", "FastWaltzIntro", None, "FastWaltzEnd", 3),
    _g("stdlib/fastjazzwaltz", "FastJazzWaltz FastJazzWaltz1 FastJazzWaltz2", "FastJazzWaltzIntro", "FastJazzWaltzFill", "FastJazzWaltzEnd", 3),
    _g("stdlib/frenchwaltz", "FrenchWaltz FrenchWaltz1 FrenchWaltz2 FrenchWaltz3", "FrenchWaltzIntro", "FrenchWaltz1Fill", "FrenchWaltzEnd", 3),
    _g("stdlib/countrywaltz", "CountryWaltz CountryWaltz1 CountryWaltz2", "CountryWaltzIntro", None, "CountryWaltzEnd", 3, weight=0.7),
    _g("casio/popwaltz", "PopWaltz", "PopWaltzIntro", None, "PopWaltzEnd", 3),
    _g("zoom/bald34", "BALD05 BALD11", bpb=3, drums=True, weight=0.5),
)

_TANGO = (
    _g("stdlib/tango", "Tango Tango1 TangoClean TangoCleanPlus", "TangoIntro", None, "TangoEnd", weight=2),
    _g("stdlib/lighttango", "LightTango LightTango1 LightTangoSus", "LightTangoIntro", "LightTangoFill", "LightTangoEnd", weight=2),
)

_FOXTROT = (
    _g("stdlib/foxtrot", "Foxtrot Foxtrot1 FoxTrotPlus FoxTrot1Plus", "FoxTrotIntro", "FoxtrotFill", "FoxTrotEnd", weight=2),
    _g("casio/foxtrot", "Foxtrot", "FoxtrotIntro", None, "FoxtrotEnd", weight=1.5),
    _g("stdlib/easyswing", "EasySwing EasySwing1 EasySwing2 EasySwingWalk", "EasySwingIntro", "EasySwingFill", "EasySwingEnd"),
    _g("stdlib/softshoe", "Softshoe SoftShoePlus", "SoftShoeIntro", None, "SoftShoeEnd"),
    _g("stdlib/bigband", "BigBand BigBand1 BigBandPlus", "BigBandIntro", "BigBandFill", "BigBandEnd"),
    _g("stdlib/showtune", "ShowTune ShowTune1 ShowTune2", "ShowTuneIntro", None, "ShowTuneEnd", weight=0.7),
    _g("casio/slowswing", "SlowSwing", "SlowSwingIntro", None, "SlowSwingEnd"),
    _g("casio/slowbigband", "SlowBigBand", "SlowBigBandIntro", None, "SlowBigBandEnd"),
    _g("casio/middlebigband", "MiddleBigBand", "MiddleBigBandIntro", None, "MiddleBigBandEnd"),
    _g("yamaha/jazzswing", "JazzSwingMainA JazzSwingMainB", "JazzSwingIntroA", "JazzSwingFillAA", "JazzSwingEndingA"),
    _g("yamaha/jazzbasie", "JazzBasieA JazzBasieB", "JazzBasieIntroA", "JazzBasieFillAA", "JazzBasieEndingA"),
)

_QUICKSTEP = (
    _g("stdlib/quickstep", "QuickStep QuickStepHit QuickStepDuh QuickStepWalk", "QuickStepIntro", None, "QuickStepEnd", weight=2),
    _g("casio/quickstep", "QuickStep", "QuickStepIntro", None, "QuickStepEnd", weight=2),
    _g("stdlib/fastswing", "FastSwing FastSwingWalk", "FastSwingIntro", None, "FastSwingEnd"),
    _g("stdlib/charleston", "Charleston Charleston1 Charleston2", "CharlestonIntro", None, "CharlestonEnd"),
    _g("stdlib/dixie", "Dixie Dixie1 Dixie2 Dixie3", "DixieIntro", None, "DixieEnd"),
    _g("casio/fastbigband", "FastBigBand", "FastBigBandIntro", None, "FastBigBandEnd"),
    _g("casio/swing", "Swing", "SwingIntro", None, "SwingEnd"),
)

_JIVE = (
    _g("stdlib/jive", "Jive JiveClap Jive1 JivePlus", "JiveIntro", None, "JiveEnd", weight=2),
    _g("stdlib/50srock", "50sRock 50sRock1 50sRockPlus", "50sRockIntro", None, "50sRockEnd"),
    _g("stdlib/boggiewoggie", "BoggieWoggie BoggieWoggie1 BoggieWoggie2", "BoggieWoggieIntro", None, "BoggieWoggieEnd"),
    _g("stdlib/shuffleboggie", "ShuffleBoggie ShuffleBoggie1", "ShuffleBoggieIntro", "ShuffleBoggieFill", "ShuffleBoggieEnd"),
    _g("kara/K50s_rock", "50s_RockA 50s_RockB 50s_RockC", "50s_RockIntroA", "50s_RockFillAA", "50s_RockEndingA"),
    _g("kara/happyshuffle", "HappyshuffleA HappyshuffleB HappyshuffleC", "HappyshuffleIntroA", "HappyshuffleFillA", "HappyshuffleEndingA"),
    _g("casio/shuffleboogie", "ShuffleBoogie", "ShuffleBoogieIntro", None, "ShuffleBoogieEnd"),
    _g("casio/popshuffle1", "PopShuffle1", "PopShuffle1Intro", None, "PopShuffle1End"),
    _g("casio/twist", "Twist", "TwistIntro", None, "TwistEnd", weight=0.7),
)

_CHACHA = (
    _g("stdlib/chacha", "ChaCha ChaCha1", "ChaChaIntro", "ChaChaFill", "ChaChaEnd", weight=2),
    _g("stdlib/mambo", "Mambo Mambo1 Mambo2 Mambo3", "MamboIntro", None, "MamboEnd"),
    _g("yamaha/mambo", "MamboMainA MamboMainB", "MamboIntroA", "MamboFillAA", "MamboEndingA"),
    _g("casio/latinfusion", "LatinFusion", "LatinFusionIntro", None, "LatinFusionEnd"),
    _g("casio/latinhouse", "LatinHouse", "LatinHouseIntro", None, "LatinHouseEnd"),
    _g("casio/8beatpop1", "8BeatPop1", "8BeatPop1Intro", None, "8BeatPop1End", weight=0.7),
    _g("zoom/latin", "LATN01 LATN02 LATN03 LATN04 LATN05 LATN06", drums=True, weight=0.7),
)

_RUMBA = (
    _g("stdlib/rhumba", "Rhumba Rhumba1 Rhumba2 Rhumba3 RhumbaTriple", "RhumbaIntro", None, "RhumbaEnd", weight=2),
    _g("stdlib/jazzrhumba", "JazzRhumba JazzRhumbaPlus", "JazzRhumbaIntro", "JazzRhumbaFill", "JazzRhumbaEnd"),
    _g("stdlib/bolero", "Bolero BoleroAlt Bolero1", "BoleroIntro", "BoleroFill", "BoleroEnd"),
    _g("stdlib/slowbolero", "SlowBolero SlowBolero1 SlowBoleroPlus", "SlowBoleroIntro", None, "SlowBoleroEnd"),
    _g("stdlib/beguine", "Beguine Beguine1", "BeguineIntro", "BeguineFill", "BeguineEnd"),
    _g("casio/16beatballad1", "16BeatBallad1", "16BeatBallad1Intro", None, "16BeatBallad1End"),
    _g("casio/popballad", "PopBallad", "PopBalladIntro", None, "PopBalladEnd"),
)

_SAMBA = (
    _g("stdlib/samba", "Samba SambaPlus SambaSus", "SambaIntro", "SambaFill", "SambaEnd", factor=2.0, weight=2),
    _g("zoom/samba", "SAMBA01 SAMBA02", drums=True),
)

_PASO = (
    _g("stdlib/march", "March March1 March2 March3 March4", "MilIntro4", None, "MarchEnd", factor=2.0, weight=1.5),
    _g("stdlib/bwmarch", "BWMarch BWMarchPlus BWMarchPlus2", "BWMarchIntro", "BWMarchFill", "BWMarchEnd", factor=2.0),
    _g("casio/march1", "March1", "March1Intro", None, "March1End"),
    _g("casio/germanmarch", "GermanMarch", "GermanMarchIntro", None, "GermanMarchEnd"),
    _g("stdlib/dixiemarch", "DixieMarch DixieMarchPlus", "DixieMarchIntro", None, "DixieMarchEnd", factor=2.0, weight=0.7),
)

#: Grooves of each of the ten dances (keys are ``Dance.name``).
DANCE_GROOVES: dict[str, tuple[GrooveFamily, ...]] = {
    "Cha Cha Cha": _CHACHA, "Jive": _JIVE, "Paso Doble": _PASO, "Quickstep": _QUICKSTEP,
    "Rumba": _RUMBA, "Samba": _SAMBA, "Slow Foxtrot": _FOXTROT, "Slow Waltz": _SLOW_WALTZ,
    "Tango": _TANGO, "Viennese Waltz": _VIENNESE_WALTZ,
}


@dataclass(frozen=True)
class OtherStyle:
    """A non-ballroom dance for the reject class: its grooves and a BPM range (used when no real data).

    Parameters
    ----------
    name : str
        The style (``"salsa"``, ...); a manifest row's ``style``.
    bpm_range : (float, float)
        Tempo range drawn from uniformly when the tempo table has no histogram for the style.
    families : tuple of GrooveFamily
        Its grooves.
    """

    name: str
    bpm_range: tuple[float, float]
    families: tuple[GrooveFamily, ...]


OTHER_LABEL = OTHER

#: Styles of the "Other" class. Salsa and west coast swing tempi come from Extended Ballroom.
OTHER_STYLES: tuple[OtherStyle, ...] = (
    OtherStyle("salsa", (160, 210), (
        _g("stdlib/salsa", "Salsa SalsaPlus", "SalsaIntro", "SalsaFill", "SalsaEnd"),
        _g("yamaha/salsa1", "Salsa1MainA Salsa1MainB", "Salsa1IntroA", "Salsa1FillAA", "Salsa1EndingA"),
        _g("yamaha/salsa2", "Salsa2MainA Salsa2MainB", "Salsa2IntroA", "Salsa2FillAA", "Salsa2EndingA"),
    )),
    OtherStyle("merengue", (120, 160), (
        _g("stdlib/merengue", "Merengue Merengue1 Merengue2", "MerengueIntro", None, "MerengueEnd"),)),
    OtherStyle("polka", (100, 130), (
        _g("stdlib/polka", "Polka Polka1 PolkaArp", "PolkaIntro", None, "PolkaEnd"),
        _g("casio/polka", "Polka", "PolkaIntro", None, "PolkaEnd"),
        _g("casio/poppolka", "PopPolka", "PopPolkaIntro", None, "PopPolkaEnd"),
    )),
    OtherStyle("westcoastswing", (95, 125), (
        _g("stdlib/rb", "R&B R&BPlus", "R&BIntro", "R&BFill", "R&BEnd"),
        _g("casio/r+b", "R&B", "R&BIntro", None, "R&BEnd"),
        _g("casio/16shuffle1", "16Shuffle1", "16Shuffle1Intro", None, "16Shuffle1End"),
    )),
    OtherStyle("hustle", (110, 126), (
        _g("casio/discosoul", "DiscoSoul", "DiscoSoulIntro", None, "DiscoSoulEnd"),
        _g("casio/dance1", "Dance1", "Dance1Intro", None, "Dance1End"),
        _g("stdlib/boneym", "BoneyM BoneyMPlus", "BoneyMIntro", "BoneyMFill", "BoneyMEnd"),
        _g("zoom/dance", "DANC01 DANC02 DANC03 DANC04", drums=True),
    )),
    OtherStyle("bachata", (120, 140), (
        _g("stdlib/bolero", "Bolero Bolero1", "BoleroIntro", "BoleroFill", "BoleroEnd"),
        _g("stdlib/son", "Son SonPlus", "SonIntro", None, "SonEnd"),
    )),
    OtherStyle("reggae", (70, 95), (_g("zoom/reggae", "REGG01 REGG02 REGG03 REGG04", drums=True),)),
    OtherStyle("hiphop", (85, 100), (_g("casio/hip-hop", "Hip-Hop", "Hip-HopIntro", None, "Hip-HopEnd"),)),
    OtherStyle("ballad68", (110, 160), (_g("casio/68ballad", "68Ballad", "68BalladIntro", None, "68BalladEnd", 6),)),
)


def families_for(label: str, other_style: str | None = None) -> tuple[GrooveFamily, ...]:
    """Groove families of a dance label, or of one "Other" style.

    Parameters
    ----------
    label : str
        A dance name, or ``Other``.
    other_style : str, optional
        The ``OtherStyle`` name, when ``label`` is ``Other``.

    Returns
    -------
    tuple of GrooveFamily
    """
    if label == OTHER_LABEL:
        return next(s.families for s in OTHER_STYLES if s.name == other_style)
    return DANCE_GROOVES[label]


def all_families() -> list[GrooveFamily]:
    """Every distinct groove family of every dance and style (for checking that MMA has them all).

    Returns
    -------
    list of GrooveFamily
    """
    seen, out = set(), []
    for fams in [*DANCE_GROOVES.values(), *(s.families for s in OTHER_STYLES)]:
        for fam in fams:
            if (fam.file, fam.mains) not in seen:
                seen.add((fam.file, fam.mains))
                out.append(fam)
    return out
