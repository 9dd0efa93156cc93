"""Demo data for the clients app: clients, contacts, business objectives, assets and one portal access.

`manage.py seed_demo` calls these inside the tenant's scope. Every row is looked up by a natural key first
(client name, contact email, objective title, asset serial) and only created when missing, so a second
run changes nothing. Existing rows are never edited or deleted, whatever they hold now.

The data is deterministic: each client's asset details come from a random generator seeded with the
client's name, and lifecycle dates are offsets from "today" (the MSP's local date), so the demo keeps
showing warranties and end-of-support dates falling due over the next three years.
"""

from __future__ import annotations

import random
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from django.db.models import F
from django.utils import timezone

from msp.models import Msp, User, hash_secret, new_secret
from msp.records import record_create

from .choices import AssetKind, ClientStatus, ObjectiveStatus
from .models import Asset, BusinessObjective, Client, ClientAccess, Contact
from .services import asset_create, client_create, contact_create, objective_create

T = TypeVar("T")

PORTAL_EMAIL = "client@demo.test"  # a decision maker of PORTAL_CLIENT, and a portal user
PORTAL_CLIENT = "Lakeshore Family Dental"


# --- bookkeeping ------------------------------------------------------------------------------------

@dataclass
class Tally:
    """What a seed run created and what it found already there, per kind of record."""

    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)

    def ensure(self, label: str, found: T | None, create: Callable[[], T]) -> T:
        """Return `found`, or the result of `create()` when nothing was found; count either way."""
        if found is not None:
            self.existing[label] += 1
            return found
        obj = create()
        self.created[label] += 1
        return obj


def demo_today(msp: Msp) -> date:
    """The MSP's local date, the anchor of every demo date."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(msp.time_zone))


# --- the hardware catalogue -------------------------------------------------------------------------

@dataclass(frozen=True)
class Product:
    """A product line a small-business MSP typically deploys, with its usual lifecycle.

    support: years from purchase to the vendor's end of support; warranty: years of hardware warranty;
    life: years the MSP plans to keep it in service; serial: '?' letter-or-digit, '#' digit, '%' hex digit.
    """

    manufacturer: str
    model: str
    serial: str
    support: int
    warranty: int
    life: int
    cost: str


# Switches and access points share a vendor per client, so both lists follow the same vendor order.
CATALOGUE: dict[str, list[Product]] = {
    AssetKind.SERVER: [
        Product("Dell", "PowerEdge R450", "???????", 7, 5, 6, "9800.00"),
        Product("HPE", "ProLiant DL380 Gen10 Plus", "CZ????????", 7, 3, 6, "12400.00"),
        Product("Lenovo", "ThinkSystem SR250 V2", "J30?????", 7, 3, 6, "6900.00"),
    ],
    AssetKind.FIREWALL: [
        Product("Fortinet", "FortiGate 60F", "FGT60FTK########", 6, 3, 5, "1450.00"),
        Product("SonicWall", "TZ470", "2CB8ED%%%%%%", 6, 3, 5, "1690.00"),
        Product("WatchGuard", "Firebox T45", "80%%%%%%%%%%", 6, 3, 5, "1250.00"),
    ],
    AssetKind.SWITCH: [
        Product("Cisco Meraki", "MS120-48LP", "Q2??-????-????", 8, 8, 7, "3900.00"),
        Product("Aruba", "CX 6100 48G Class4 PoE", "CN????????", 8, 5, 7, "3400.00"),
        Product("Ubiquiti", "UniFi Switch Pro 48 PoE", "D021F9%%%%%%", 6, 1, 6, "1100.00"),
    ],
    AssetKind.WIRELESS: [
        Product("Cisco Meraki", "MR36", "Q3??-????-????", 7, 7, 5, "890.00"),
        Product("Aruba", "AP-505", "CNM???????", 7, 5, 5, "720.00"),
        Product("Ubiquiti", "U6 Pro", "E063DA%%%%%%", 6, 1, 5, "160.00"),
    ],
    AssetKind.UPS: [
        Product("APC", "Smart-UPS SMT1500RM2U", "AS##########", 6, 3, 5, "1150.00"),
        Product("Eaton", "5PX 1500 2U", "GA????????", 6, 3, 5, "1050.00"),
        Product("CyberPower", "PR1500RT2U", "CTH########", 5, 3, 5, "880.00"),
    ],
    AssetKind.STORAGE: [
        Product("Synology", "RackStation RS1221+", "21A0PDN######", 6, 3, 5, "2400.00"),
        Product("QNAP", "TS-873A", "Q21??????", 6, 2, 5, "1900.00"),
    ],
    AssetKind.LAPTOP: [
        Product("Dell", "Latitude 5440", "???????", 5, 3, 4, "1450.00"),
        Product("Lenovo", "ThinkPad T14 Gen 4", "PF??????", 5, 3, 4, "1550.00"),
        Product("HP", "EliteBook 840 G10", "5CG???????", 5, 3, 4, "1600.00"),
        Product("Apple", "MacBook Pro 14-inch", "??????????", 6, 1, 4, "2199.00"),
    ],
    AssetKind.WORKSTATION: [
        Product("Dell", "OptiPlex 7010 Tower", "???????", 5, 3, 5, "1150.00"),
        Product("HP", "Z2 G9 Tower Workstation", "2UA???????", 5, 3, 5, "2600.00"),
        Product("Lenovo", "ThinkCentre M90q Gen 4", "MJ??????", 5, 3, 5, "1050.00"),
    ],
    AssetKind.PRINTER: [
        Product("HP", "Color LaserJet Enterprise M555dn", "JPB???????", 6, 1, 6, "1300.00"),
        Product("Brother", "MFC-L8900CDW", "U6????????", 5, 1, 5, "750.00"),
        Product("Canon", "imageRUNNER ADVANCE DX C3826i", "XVF#####", 6, 3, 6, "6200.00"),
    ],
}
HOST_CODES = {
    AssetKind.SERVER: "SRV", AssetKind.FIREWALL: "FW", AssetKind.SWITCH: "SW", AssetKind.WIRELESS: "AP",
    AssetKind.UPS: "UPS", AssetKind.STORAGE: "NAS", AssetKind.LAPTOP: "LT", AssetKind.WORKSTATION: "WS",
    AssetKind.PRINTER: "PRN",
}
_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, as on most service tags
_SERIAL_ALPHABETS = {"?": _ALNUM, "#": "0123456789", "%": "0123456789ABCDEF"}


# --- what each demo client looks like ---------------------------------------------------------------

@dataclass(frozen=True)
class DemoContact:
    name: str
    title: str
    email: str
    phone: str = ""
    decision_maker: bool = False


@dataclass(frozen=True)
class DemoObjective:
    title: str
    description: str
    months_ahead: int  # target date, relative to today (negative: in the past)
    status: str = ObjectiveStatus.PLANNED


@dataclass(frozen=True)
class DemoSoftware:
    """A licence or subscription the client pays for; replacement cost is the yearly renewal."""

    name: str
    manufacturer: str
    model: str
    cost: str
    kind: str = AssetKind.SOFTWARE


@dataclass(frozen=True)
class DemoClient:
    name: str
    code: str  # device-name prefix, e.g. LFD-SRV01
    industry: str
    mrr: str
    aisp: str
    users: int
    complexity: int
    vcio: str  # which vCIO: a key of the `vcios` mapping handed to demo_msp_seed
    kit: str  # hardware, e.g. "server firewall switch*2 laptop*4"
    software: tuple[DemoSoftware, ...]
    contacts: tuple[DemoContact, ...]
    objectives: tuple[DemoObjective, ...] = ()
    status: str = ClientStatus.ACTIVE
    fiscal_year_start_month: int = 1
    churned_days_ago: int | None = None
    churn_reason: str = ""
    notes: str = ""

    @property
    def endpoints(self) -> int:
        return self.users + self.users // 4


def _m365(users: int, price: str = "264.00", edition: str = "Business Premium") -> DemoSoftware:
    """Microsoft 365 seats, priced per user per year."""
    return DemoSoftware(f"Microsoft 365 {edition}", "Microsoft", f"{users} seats, annual subscription",
                        str(Decimal(price) * users), kind=AssetKind.CLOUD)


VCIO_1, VCIO_2 = "vcio", "vcio2"

DEMO_CLIENTS: tuple[DemoClient, ...] = (
    DemoClient(
        name=PORTAL_CLIENT, code="LFD", industry="Dental practice",
        mrr="3000.00", aisp="125.00", users=24, complexity=5, vcio=VCIO_1,
        kit="server firewall switch wireless*2 ups laptop*3 workstation*4 printer",
        software=(
            DemoSoftware("Dentrix practice management", "Henry Schein One", "Annual support plan", "4200.00"),
            DemoSoftware("Dental imaging suite", "Carestream Dental", "Software maintenance", "1800.00"),
        ),
        contacts=(
            DemoContact("Dr. Karen Whitfield", "Owner and Lead Dentist", PORTAL_EMAIL, "(312) 555-0141", True),
            DemoContact("Melissa Grant", "Practice Manager", "mgrant@lakeshoredental.example", "(312) 555-0142"),
            DemoContact("Andre Lewis", "Office Coordinator", "alewis@lakeshoredental.example", "(312) 555-0143"),
        ),
        objectives=(
            DemoObjective(
                "Open a second office in Evanston",
                "Four chairs and a small front desk at a second site by next spring, sharing the patient "
                "records and X-ray images with the main office from day one.", 9),
            DemoObjective(
                "Pass the insurer's HIPAA risk assessment cleanly",
                "Our malpractice insurer now asks for a yearly risk assessment. Backups, laptop encryption "
                "and staff training should be documented before the next one.", 5, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Spend less front-desk time on the phone",
                "Online booking and a cloud phone system, so the front desk can look after the patients "
                "in the waiting room.", 12),
        ),
    ),
    DemoClient(
        name="Prairie Freight Logistics", code="PFL", industry="Logistics",
        mrr="6500.00", aisp="125.00", users=52, complexity=3, vcio=VCIO_2,
        kit="server*2 firewall switch*2 wireless*3 ups laptop*4 workstation*3 printer",
        software=(DemoSoftware("Transport management system", "Trimble", "TMW subscription", "14500.00"),),
        contacts=(
            DemoContact("Dean Hollis", "CEO", "dhollis@prairiefreight.example", "(630) 555-0110", True),
            DemoContact("Rosa Alvarez", "Controller", "ralvarez@prairiefreight.example", "(630) 555-0111"),
            DemoContact("Kevin Tran", "Dispatch Operations Manager", "ktran@prairiefreight.example",
                        "(630) 555-0112"),
        ),
        objectives=(
            DemoObjective(
                "Keep dispatch running around the clock",
                "Dispatch works 24/7; when the network or the internet line goes down, trucks cannot be "
                "routed. We want a second internet line and a failover we have actually tested.", 6,
                ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Open a cross-dock warehouse in Joliet",
                "A second warehouse with about fifteen staff, handheld scanners and Wi-Fi across the whole "
                "dock, running on the same systems as headquarters.", 14),
            DemoObjective(
                "One personal sign-in for every driver and clerk",
                "Replace the shared logins on the transport system with personal accounts and a second "
                "factor, so we know who did what.", 8),
        ),
    ),
    DemoClient(
        name="Halstead & Crane LLP", code="HCL", industry="Law firm",
        mrr="1500.00", aisp="125.00", users=12, complexity=8, vcio=VCIO_1,
        kit="server*2 storage firewall switch wireless ups laptop*4 workstation*2 printer",
        software=(
            DemoSoftware("Clio Manage", "Clio", "Annual subscription", "2100.00"),
            DemoSoftware("Acrobat Pro", "Adobe", "12 licences, annual", "2390.00"),
        ),
        contacts=(
            DemoContact("Margaret Halstead", "Managing Partner", "mhalstead@halsteadcrane.example",
                        "(312) 555-0120", True),
            DemoContact("Owen Pike", "Office Administrator", "opike@halsteadcrane.example", "(312) 555-0121"),
        ),
        objectives=(
            DemoObjective(
                "Protect client files from ransomware",
                "Our clients' confidential files are the firm. Off-site backups nobody can alter, and a "
                "recovery plan we have rehearsed at least once a year.", 4, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Work securely from court and from home",
                "Attorneys need case files wherever they are, without a fragile VPN, and every device they "
                "carry encrypted.", 9),
        ),
        notes="Small firm, demanding partners: two file servers and strict records retention.",
    ),
    DemoClient(
        name="Northbrook CPA Group", code="NCG", industry="Accounting",
        mrr="4200.00", aisp="140.00", users=30, complexity=4, vcio=VCIO_2,
        kit="server storage firewall switch wireless*2 ups laptop*4 workstation*4 printer",
        software=(DemoSoftware("CCH Axcess Tax", "Wolters Kluwer", "Annual subscription", "9800.00"),),
        contacts=(
            DemoContact("Linda Okafor", "Managing Partner", "lokafor@northbrookcpa.example", "(847) 555-0130",
                        True),
            DemoContact("Brian Schultz", "Firm Administrator", "bschultz@northbrookcpa.example",
                        "(847) 555-0131"),
            DemoContact("Hannah Cho", "Senior Tax Manager", "hcho@northbrookcpa.example", "(847) 555-0132"),
        ),
        objectives=(
            DemoObjective(
                "Get through tax season without slowdowns",
                "From February to April every preparer works long days on large client files; the systems "
                "must stay fast and available the whole time.", 5),
            DemoObjective(
                "Keep the written information security plan current",
                "Tax preparers must keep a written security plan. Ours should be up to date and easy to "
                "show to clients and regulators who ask for it.", 3, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Retire the office file server",
                "Move client files to cloud storage with the same folder permissions, so staff can work from "
                "home during the busy season.", 11),
        ),
    ),
    DemoClient(
        name="Fox River Precision Machining", code="FRP", industry="Manufacturing",
        mrr="5500.00", aisp="115.00", users=48, complexity=7, vcio=VCIO_1, fiscal_year_start_month=7,
        kit="server*2 storage firewall switch*3 wireless*2 ups*2 laptop*3 workstation*4",
        software=(DemoSoftware("Epicor Kinetic ERP", "Epicor", "Maintenance and support plan", "18600.00"),),
        contacts=(
            DemoContact("Gary Nowak", "President", "gnowak@foxriverprecision.example", "(630) 555-0150", True),
            DemoContact("Sandra Lindqvist", "CFO", "slindqvist@foxriverprecision.example", "(630) 555-0151"),
            DemoContact("Mike Duran", "Plant Manager", "mduran@foxriverprecision.example", "(630) 555-0152"),
        ),
        objectives=(
            DemoObjective(
                "Keep the shop floor running",
                "An hour without the CNC cells costs us about $8,000 in late shipments. The machine network "
                "should be separated from the office and critical spares kept on the shelf.", 6,
                ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Qualify for defence subcontracts",
                "Our prime contractors are starting to ask for CMMC Level 2. We need to know the gap and a "
                "realistic plan to close it within eighteen months.", 18),
            DemoObjective(
                "Replace the ERP before support runs out",
                "Pick the next ERP and move to it over a slow quarter, without stopping production.", 15),
        ),
    ),
    DemoClient(
        name="Riverside Community Food Alliance", code="RCF", industry="Non-profit",
        mrr="2100.00", aisp="95.00", users=22, complexity=4, vcio=VCIO_2, fiscal_year_start_month=7,
        kit="storage firewall switch wireless*2 ups laptop*4 workstation*2 printer",
        software=(
            DemoSoftware("Raiser's Edge NXT", "Blackbaud", "Annual subscription", "6400.00"),
            _m365(22, "0.00", "Business Premium (non-profit grant)"),
        ),
        contacts=(
            DemoContact("Angela Brooks", "Executive Director", "abrooks@riversidefood.example", "(773) 555-0160",
                        True),
            DemoContact("Samuel Ortiz", "Operations Director", "sortiz@riversidefood.example", "(773) 555-0161"),
            DemoContact("Joyce Kim", "Development Manager", "jkim@riversidefood.example", "(773) 555-0162"),
        ),
        objectives=(
            DemoObjective(
                "Stretch the technology grant further",
                "Use non-profit licensing and hardware donation programmes so that next year's grant buys a "
                "laptop for every programme coordinator.", 7),
            DemoObjective(
                "Keep donor and volunteer records private",
                "The board wants a short yearly report showing how donor and volunteer information is "
                "protected and who can see it.", 5, ObjectiveStatus.IN_PROGRESS),
        ),
    ),
    DemoClient(
        name="Studio Meridian Architects", code="SMA", industry="Architecture",
        mrr="3600.00", aisp="150.00", users=24, complexity=6, vcio=VCIO_1,
        kit="server storage firewall switch wireless*2 ups laptop*3 workstation*5 printer",
        software=(
            DemoSoftware("AEC Collection", "Autodesk", "12 named users, annual", "24000.00"),
            DemoSoftware("Bluebeam Revu", "Bluebeam", "Core subscription, annual", "3600.00"),
        ),
        contacts=(
            DemoContact("Elena Vasquez", "Principal", "evasquez@studiomeridian.example", "(312) 555-0170", True),
            DemoContact("Noah Fischer", "Studio Manager", "nfischer@studiomeridian.example", "(312) 555-0171"),
            DemoContact("Chloe Bennett", "BIM Manager", "cbennett@studiomeridian.example", "(312) 555-0172"),
            DemoContact("Marco Ruiz", "Associate Principal", "mruiz@studiomeridian.example", "(312) 555-0173"),
        ),
        objectives=(
            DemoObjective(
                "Open large models quickly from both offices",
                "Architects lose time every day waiting for big building models to open. Shared project "
                "files should open in under a minute in either office.", 8),
            DemoObjective(
                "Refresh CAD workstations on a steady schedule",
                "Spread the workstation refresh over two years so that no single quarter carries the whole "
                "cost.", 12, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Keep project archives for ten years",
                "Contracts oblige us to keep drawings for a decade; they must be stored safely and be easy "
                "to find again.", 10),
        ),
    ),
    DemoClient(
        name="Westgate Urgent Care", code="WUC", industry="Medical clinic",
        mrr="4800.00", aisp="130.00", users=37, complexity=7, vcio=VCIO_2,
        kit="server*2 firewall switch*2 wireless*3 ups laptop*3 workstation*5 printer",
        software=(DemoSoftware("athenaOne EHR", "athenahealth", "Practice subscription", "21000.00"),),
        contacts=(
            DemoContact("Dr. Raymond Cole", "Medical Director and Owner", "rcole@westgateuc.example",
                        "(708) 555-0180", True),
            DemoContact("Tanya Jefferson", "Practice Administrator", "tjefferson@westgateuc.example",
                        "(708) 555-0181"),
            DemoContact("Luis Romero", "Billing Supervisor", "lromero@westgateuc.example", "(708) 555-0182"),
        ),
        objectives=(
            DemoObjective(
                "Keep patient records available all opening hours",
                "The clinic is open from 8 am to 8 pm every day. Check-in and patient charts must keep "
                "working even when the main internet line drops.", 6, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Be ready for a HIPAA audit at any time",
                "A current risk analysis, quarterly access reviews and proof of device encryption, so an "
                "audit is a formality.", 4, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Self check-in in the waiting room",
                "Tablets in the waiting room so patients can check themselves in and the lines shrink at "
                "peak hours.", 10),
        ),
    ),
    DemoClient(
        name="Kessler Brothers Construction", code="KBC", industry="Construction",
        mrr="3300.00", aisp="110.00", users=30, complexity=4, vcio=VCIO_1, fiscal_year_start_month=4,
        kit="server firewall switch wireless ups laptop*5 workstation*2 printer",
        software=(
            DemoSoftware("Sage 300 Construction and Real Estate", "Sage", "Annual support plan", "5200.00"),
            DemoSoftware("Procore", "Procore", "Annual subscription", "12000.00"),
        ),
        contacts=(
            DemoContact("Frank Kessler", "Owner", "fkessler@kesslerbuilds.example", "(815) 555-0190", True),
            DemoContact("Diane Kessler", "Office Manager", "dkessler@kesslerbuilds.example", "(815) 555-0191"),
            DemoContact("Eric Mason", "Senior Project Manager", "emason@kesslerbuilds.example", "(815) 555-0192"),
        ),
        objectives=(
            DemoObjective(
                "Connect every job-site trailer to the office",
                "Superintendents need plans, RFIs and time entry from each trailer over a dependable "
                "cellular link.", 5, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Replace a lost site laptop by the next morning",
                "Site laptops get dropped and stolen. Each one should be encrypted and backed up, with a "
                "spare ready to hand out the next day.", 6),
        ),
    ),
    DemoClient(
        name="Harbor Point Realty", code="HPR", industry="Real estate",
        mrr="2400.00", aisp="100.00", users=24, complexity=3, vcio=VCIO_2, status=ClientStatus.ONBOARDING,
        kit="firewall switch wireless*2 ups laptop*3 workstation printer",
        software=(_m365(24, "150.00", "Business Standard"),),
        contacts=(
            DemoContact("Natalie Greer", "Broker and Owner", "ngreer@harborpointrealty.example",
                        "(312) 555-0200", True),
            DemoContact("Jason Whitaker", "Office Manager", "jwhitaker@harborpointrealty.example",
                        "(312) 555-0201"),
        ),
        objectives=(
            DemoObjective(
                "Take over IT from the previous provider cleanly",
                "During onboarding, every password, licence and domain registration ends up in the "
                "company's own name.", 2, ObjectiveStatus.IN_PROGRESS),
            DemoObjective(
                "Let agents work from anywhere",
                "Agents spend their days at showings; listings, contracts and e-signatures have to work "
                "from their phones and laptops.", 6),
        ),
        notes="New client: inventory still being collected.",
    ),
    DemoClient(
        name="Maple & Main Outfitters", code="MMO", industry="Retail",
        mrr="1800.00", aisp="90.00", users=20, complexity=3, vcio=VCIO_2, fiscal_year_start_month=4,
        status=ClientStatus.CHURNED, churned_days_ago=130,
        churn_reason="Sold to a regional chain; the buyer's corporate IT team took over the stores and the "
                     "point-of-sale systems.",
        kit="firewall switch wireless*2 ups laptop workstation*3 printer",
        software=(DemoSoftware("Lightspeed Retail", "Lightspeed", "Point-of-sale subscription", "3240.00"),),
        contacts=(
            DemoContact("Greg Lindholm", "Owner", "greg@maplemain.example", "(630) 555-0210", True),
            DemoContact("Tasha Reed", "Store Manager", "treed@maplemain.example", "(630) 555-0211"),
        ),
        objectives=(
            DemoObjective(
                "Take card payments without storing card data",
                "Card terminals that keep card numbers off our own network, so the yearly PCI questionnaire "
                "stays short.", -8, ObjectiveStatus.ACHIEVED),
            DemoObjective(
                "Sell online alongside the shop",
                "An online store sharing stock with the shop floor.", -3, ObjectiveStatus.DROPPED),
        ),
    ),
    DemoClient(
        name="Cedar Ridge Veterinary Hospital", code="CRV", industry="Veterinary clinic",
        mrr="2900.00", aisp="120.00", users=24, complexity=5, vcio=VCIO_1,
        kit="server storage firewall switch wireless*2 ups laptop*2 workstation*4 printer",
        software=(DemoSoftware("Cornerstone practice management", "IDEXX", "Annual support plan", "3900.00"),),
        contacts=(
            DemoContact("Dr. Emily Sato", "Owner and Chief Veterinarian", "esato@cedarridgevet.example",
                        "(847) 555-0220", True),
            DemoContact("Ryan Pierce", "Hospital Manager", "rpierce@cedarridgevet.example", "(847) 555-0221"),
        ),
        objectives=(
            DemoObjective(
                "Open for after-hours emergencies",
                "Stay open until midnight three nights a week; phones, records and imaging must work for the "
                "night team without anyone from IT on site.", 9),
            DemoObjective(
                "Stop keeping X-rays on a single PC",
                "Move the imaging archive to backed-up storage that every exam room can reach.", 3,
                ObjectiveStatus.IN_PROGRESS),
        ),
    ),
)

# The second MSP's own clients: a contact and a few assets each, enough to test tenant isolation.
OTHER_CLIENTS: tuple[DemoClient, ...] = (
    DemoClient(
        name="Thornbury Veterinary Surgery", code="TVS", industry="Veterinary clinic",
        mrr="2200.00", aisp="110.00", users=20, complexity=4, vcio="owner",
        kit="firewall switch laptop*2", software=(),
        contacts=(DemoContact("Dr. Helen Marsh", "Practice Owner", "helen.marsh@thornburyvets.example",
                              "01454 960 210", True),),
    ),
    DemoClient(
        name="Pennine Joinery Ltd", code="PJL", industry="Manufacturing",
        mrr="1650.00", aisp="110.00", users=15, complexity=3, vcio="owner",
        kit="firewall switch workstation*2", software=(),
        contacts=(DemoContact("Alan Brightwell", "Managing Director", "alan@penninejoinery.example",
                              "01422 960 330", True),),
    ),
    DemoClient(
        name="Wexcombe Parish Council", code="WPC", industry="Local government",
        mrr="900.00", aisp="100.00", users=9, complexity=2, vcio="owner",
        kit="firewall wireless laptop*2", software=(),
        contacts=(DemoContact("Susan Pryce", "Clerk to the Council", "clerk@wexcombe-pc.example",
                              "01264 960 145", True),),
    ),
)


# --- turning a spec into rows -----------------------------------------------------------------------

def _years_later(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _months_later(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, 28))


def _serial(rng: random.Random, pattern: str) -> str:
    return "".join(rng.choice(_SERIAL_ALPHABETS[ch]) if ch in _SERIAL_ALPHABETS else ch for ch in pattern)


def parse_kit(kit: str) -> list[tuple[str, int]]:
    """'server*2 firewall' -> [('server', 2), ('firewall', 1)]."""
    items = []
    for word in kit.split():
        kind, _, count = word.partition("*")
        items.append((AssetKind(kind).value, int(count or 1)))
    return items


def asset_plan(spec: DemoClient, *, today: date, taken: set[str]) -> list[dict]:
    """The client's assets as field dicts. Only the dates depend on `today`; `taken` keeps serials unique."""
    # The generator depends on the client's name alone, so serials and offsets never change between runs.
    rng = random.Random(f"vcio-demo:{spec.name}")  # noqa: S311 - demo data, not a secret
    vendor = rng.randrange(3)  # one network vendor per client, for switches and access points alike
    chosen = {kind: (models[vendor] if kind in (AssetKind.SWITCH, AssetKind.WIRELESS) else rng.choice(models))
              for kind, models in CATALOGUE.items()}

    def unique_serial(pattern: str) -> str:
        serial = _serial(rng, pattern)
        while serial in taken:
            serial = _serial(rng, pattern)
        taken.add(serial)
        return serial

    assets = []
    for kind, count in parse_kit(spec.kit):
        m = chosen[kind]
        for n in range(1, count + 1):
            # End of support falls between ten months ago and three years ahead; the rest follows from it.
            eos = today + timedelta(days=rng.randint(-300, 3 * 365))
            purchased = _years_later(eos, -m.support)
            assets.append({
                "kind": kind, "name": f"{spec.code}-{HOST_CODES[kind]}{n:02d}",
                "manufacturer": m.manufacturer, "model": m.model, "serial": unique_serial(m.serial),
                "purchase_date": purchased, "warranty_end": _years_later(purchased, m.warranty),
                "end_of_support": eos, "expected_life_years": m.life, "replacement_cost": Decimal(m.cost),
            })
    for sw in spec.software:
        renewal = today + timedelta(days=rng.randint(-60, 3 * 365))
        assets.append({
            "kind": sw.kind, "name": sw.name, "manufacturer": sw.manufacturer, "model": sw.model,
            "serial": unique_serial("????-????-????"),
            # Bought years before the current support term ends, so always in the past.
            "purchase_date": _years_later(renewal, -3 - rng.randint(2, 5)), "end_of_support": renewal,
            "replacement_cost": Decimal(sw.cost),
        })
    return assets


def _live_first(queryset, ended_field: str):
    """The live row if there is one, else the most recently ended one, else None."""
    return queryset.order_by(F(ended_field).desc(nulls_first=True)).first()


def _client_ensure(tally: Tally, *, msp: Msp, spec: DemoClient, actor: User, staff: dict[str, User | None],
                   today: date, taken: set[str]) -> Client:
    # An archived client of the same name counts as found: the demo never resurrects what was archived.
    client = tally.ensure(
        "clients", _live_first(Client.objects.filter(name__iexact=spec.name), "archived_at"),
        lambda: client_create(
            msp=msp, actor=actor, name=spec.name, industry=spec.industry, status=spec.status,
            mrr=Decimal(spec.mrr), aisp=Decimal(spec.aisp), user_count=spec.users, endpoint_count=spec.endpoints,
            complexity=spec.complexity, fiscal_year_start_month=spec.fiscal_year_start_month,
            vcio=staff.get(spec.vcio), tam=staff.get("tam"), notes=spec.notes,
            churn_date=today - timedelta(days=spec.churned_days_ago) if spec.churned_days_ago else None,
            churn_reason=spec.churn_reason,
        ),
    )
    for c in spec.contacts:
        tally.ensure(
            "contacts", Contact.objects.filter(client=client, email__iexact=c.email).first(),
            lambda c=c: contact_create(client=client, actor=actor, name=c.name, title=c.title, email=c.email,
                                       phone=c.phone, is_decision_maker=c.decision_maker),
        )
    for o in spec.objectives:
        tally.ensure(
            "objectives", BusinessObjective.objects.filter(client=client, title__iexact=o.title).first(),
            lambda o=o: objective_create(client=client, actor=actor, title=o.title, description=o.description,
                                         target_date=_months_later(today, o.months_ahead), status=o.status),
        )
    for fields in asset_plan(spec, today=today, taken=taken):
        tally.ensure(
            "assets", Asset.objects.filter(client=client, serial=fields["serial"]).first(),
            lambda fields=fields: asset_create(client=client, actor=actor, **fields),
        )
    return client


def demo_msp_seed(tally: Tally, *, msp: Msp, actor: User, vcios: dict[str, User], tam: User,
                  today: date) -> list[Client]:
    """The demo MSP's clients. Call inside `scope(msp=msp)`."""
    taken: set[str] = set()
    staff = {**vcios, "tam": tam}
    return [_client_ensure(tally, msp=msp, spec=spec, actor=actor, staff=staff, today=today, taken=taken)
            for spec in DEMO_CLIENTS]


def other_msp_seed(tally: Tally, *, msp: Msp, actor: User, today: date) -> list[Client]:
    """The second MSP's clients, all looked after by its owner. Call inside `scope(msp=msp)`."""
    taken: set[str] = set()
    staff = {"owner": actor}
    return [_client_ensure(tally, msp=msp, spec=spec, actor=actor, staff=staff, today=today, taken=taken)
            for spec in OTHER_CLIENTS]


def demo_portal_access_ensure(tally: Tally, *, msp: Msp, user: User, actor: User) -> ClientAccess | None:
    """Accepted portal access for the decision maker whose address is PORTAL_EMAIL.

    There is no email to click in a demo, so the access is created already accepted, with a random
    token that nobody knows. The user's client membership is the caller's business. When someone has
    since changed that contact's address, there is nobody to grant access to, and nothing is done.
    """
    contact = (Contact.objects.select_related("client")
               .filter(client__name__iexact=PORTAL_CLIENT, email__iexact=PORTAL_EMAIL).order_by("created_at").first())
    if contact is None:
        return None
    return tally.ensure(
        "portal accesses", _live_first(ClientAccess.objects.filter(contact=contact), "revoked_at"),
        lambda: record_create(
            ClientAccess, msp=msp, actor=actor, client=contact.client, contact=contact, email=PORTAL_EMAIL,
            user=user, token_hash=hash_secret(new_secret()), invited_by=actor,
            expires_at=timezone.now() + timedelta(days=14), accepted_at=timezone.now(),
        ),
    )
