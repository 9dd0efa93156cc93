"""The starter standards library: the categories, standards and compliance frameworks a new MSP can load.

Pure data, written in our own words. Every question is phrased so that "yes" is the healthy answer; "why"
is the business risk in plain words for a client's decision maker; "how" is a short list of steps a TAM
can follow on site or remotely. `frameworks` holds codes from FRAMEWORKS; priorities and frequencies are
the values of `standards.choices.Priority` and `standards.choices.Frequency`.
"""

# (code, name) of the compliance frameworks the starter standards map to.
FRAMEWORKS = [
    ("HIPAA", "HIPAA Security Rule"),
    ("PCI DSS", "PCI DSS v4.0"),
    ("NIST CSF 2.0", "NIST Cybersecurity Framework 2.0"),
    ("CIS", "CIS Critical Security Controls v8.1"),
]

# Reference pages used more than once.
_NIST_PATCHING = "https://csrc.nist.gov/pubs/sp/800/40/r4/final"
_NIST_CONTINGENCY = "https://csrc.nist.gov/pubs/sp/800/34/r1/upd1/final"
_NIST_CONTROLS = "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final"
_NIST_FIREWALLS = "https://csrc.nist.gov/pubs/sp/800/41/r1/final"
_NIST_NETWORK = "https://csrc.nist.gov/pubs/sp/800/215/final"
_NIST_WIRELESS = "https://csrc.nist.gov/pubs/sp/800/153/final"
_NIST_CSF = "https://www.nist.gov/cyberframework"
_NIST_SMALL_BUSINESS = "https://www.nist.gov/itl/smallbusinesscyber"
_CIS_CONTROLS = "https://www.cisecurity.org/controls/cis-controls-list"
_CISA_ESSENTIALS = "https://www.cisa.gov/cyber-essentials"
_CISA_KEV = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"
_CISA_SCUBA = "https://www.cisa.gov/resources-tools/services/secure-cloud-business-applications-scuba-project"
_HHS_SECURITY = "https://www.hhs.gov/hipaa/for-professionals/security/index.html"
_MS_LIFECYCLE = "https://learn.microsoft.com/en-us/lifecycle/"
_MS_ENTRA_ROLES = "https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/best-practices"
_READY_BUSINESS = "https://www.ready.gov/business"
_READY_POWER = "https://www.ready.gov/power-outages"

CATEGORIES = [
    {
        "name": "Patch management",
        "description": "Keeping operating systems, applications and firmware up to date, so known weaknesses are "
                       "closed before attackers use them.",
        "standards": [
            {
                "name": "Operating system updates",
                "question": "Are all workstations and servers within 30 days of the latest operating system "
                            "security updates?",
                "why": "Most break-ins use weaknesses the vendor fixed weeks or months earlier. A computer that "
                       "misses updates leaves open a door that criminals already know about.",
                "how": "1. Open the patch report in the RMM. 2. Filter for devices missing security updates "
                       "released more than 30 days ago. 3. Check that the list is empty, or that each exception "
                       "has a written reason and a fix date.",
                "reference_url": _NIST_PATCHING,
                "priority": "high",
                "frequency": "monthly",
                "tags": ["security", "patching"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Third-party application updates",
                "question": "Are browsers, PDF readers and other common third-party applications updated "
                            "automatically on every computer?",
                "why": "Attackers often get in through everyday programs such as web browsers and document "
                       "readers rather than through Windows itself. Leaving them out of date undoes much of the "
                       "work done on the operating system.",
                "how": "1. In the RMM, open the third-party patching policy and confirm it applies to all "
                       "workstations and servers. 2. Run a software inventory report and look for versions older "
                       "than the vendor's current release. 3. Spot-check two computers by opening the About page "
                       "of the browser and the PDF reader.",
                "reference_url": _CIS_CONTROLS,
                "priority": "high",
                "frequency": "monthly",
                "tags": ["security", "patching"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Actively exploited vulnerabilities",
                "question": "Are vulnerabilities listed in CISA's Known Exploited Vulnerabilities catalog fixed "
                            "within 14 days on every affected system?",
                "why": "When a weakness is known to be used in real attacks, the time to fix it is counted in "
                       "days, not months. Delays here are behind many ransomware incidents.",
                "how": "1. Compare the findings of the RMM or vulnerability scanner with the Known Exploited "
                       "Vulnerabilities catalog. 2. List every match that has been open for more than 14 days. "
                       "3. Confirm each one is patched, mitigated, or covered by a signed risk acceptance.",
                "reference_url": _CISA_KEV,
                "priority": "high",
                "frequency": "monthly",
                "tags": ["security", "patching", "vulnerability"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Patch schedule and pilot group",
                "question": "Does a written patch schedule set the maintenance window, a pilot group and the way "
                            "to roll back a faulty update?",
                "why": "Updates occasionally break things. A known schedule, with a small group of computers "
                       "updated first, keeps the company protected without surprise downtime during work hours.",
                "how": "1. Ask for the written patch policy or open the RMM patch policy settings. 2. Check that "
                       "the maintenance window falls outside business hours. 3. Check that a pilot group gets "
                       "updates a few days before everyone else. 4. Confirm a rollback procedure is written down.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/128/upd1/final",
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["patching", "process"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "Vulnerability scanning",
                "question": "Is an authenticated vulnerability scan of the internal network and the public "
                            "internet addresses run at least every quarter?",
                "why": "Scanning finds the forgotten device, the missed update and the risky setting before "
                       "someone else does. Without it, the company learns about its gaps only after an incident.",
                "how": "1. Ask for the last two scan reports and check they are less than 90 days apart. "
                       "2. Confirm both internal and external addresses were in scope. 3. Check that critical "
                       "and high findings have tickets with an owner and a due date.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/115/final",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "vulnerability", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
    {
        "name": "Backup",
        "description": "Copies of the company's data that can be restored quickly after a mistake, a hardware "
                       "failure or an attack.",
        "standards": [
            {
                "name": "Backup success",
                "question": "Have backups of every server and critical data set completed successfully on each "
                            "of the last 7 days?",
                "why": "A backup that fails silently is discovered on the day it is needed. Checking that backups "
                       "succeed means the company can always go back to yesterday's data.",
                "how": "1. Open the backup console and filter the job history to the last 7 days. 2. Check that "
                       "every protected server and data set shows a successful run each day. 3. For any failure, "
                       "confirm a ticket was opened and the next run succeeded.",
                "reference_url": "https://www.cisa.gov/stopransomware/ransomware-guide",
                "priority": "high",
                "frequency": "monthly",
                "tags": ["continuity", "backup"],
                "frameworks": ["HIPAA", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Offline or immutable backup copy",
                "question": "Is at least one backup copy kept offline or immutable, so that nobody on the "
                            "company network can change or delete it?",
                "why": "Ransomware gangs hunt for backups and destroy them first, so that the victim has no "
                       "choice but to pay. A copy they cannot reach is what lets the company recover without "
                       "paying.",
                "how": "1. Review the backup design and find the copy that is offline, air-gapped or stored with "
                       "immutability. 2. Confirm in the storage settings that the immutability period is at least "
                       "14 days. 3. Check that the credentials for that copy differ from the everyday admin "
                       "accounts.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/1800/11/final",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["continuity", "backup", "ransomware"],
                "frameworks": ["HIPAA", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Restore test",
                "question": "Has a restore of files and of at least one complete server been tested "
                            "successfully in the last 90 days?",
                "why": "Only a restore proves that a backup works. Regular tests also show how long a recovery "
                       "really takes, so the company's expectations match reality.",
                "how": "1. Ask for the record of the last restore test: date, what was restored and how long it "
                       "took. 2. Check the date is within the last 90 days. 3. Confirm the restored data opened "
                       "correctly and that any problems found were fixed.",
                "reference_url": _NIST_CONTINGENCY,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["continuity", "backup"],
                "frameworks": ["HIPAA", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Cloud data backup",
                "question": "Are Microsoft 365 or Google Workspace mailboxes, OneDrive, SharePoint and shared "
                            "drives backed up by a separate service?",
                "why": "Cloud providers keep their service running, but they do not promise to bring back what "
                       "users or attackers delete. An independent backup protects email and files from mistakes, "
                       "ransomware and departing staff.",
                "how": "1. Open the cloud backup console and confirm every licensed user's mailbox and files are "
                       "protected. 2. Check that SharePoint sites or shared drives are included. 3. Look at the "
                       "date of the last run and confirm new users are added automatically.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/144/final",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["continuity", "backup", "cloud", "m365"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "Backup retention",
                "question": "Do backups keep daily restore points for at least 30 days, and older ones for as "
                            "long as the company's record-keeping rules require?",
                "why": "Problems are often noticed late: a deleted folder, a damaged file or a quiet intrusion. "
                       "Enough history lets the company go back to a point before the damage and keep records "
                       "for as long as the law or its contracts demand.",
                "how": "1. Read the retention settings of each backup job. 2. Compare them with the retention "
                       "periods agreed with the client, including legal or industry rules. 3. Confirm the oldest "
                       "available restore point matches the setting.",
                "reference_url": _NIST_CONTROLS,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["continuity", "backup", "compliance"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "Backup encryption",
                "question": "Are backups encrypted both in transit and where they are stored, with the key kept "
                            "safe outside the backup system?",
                "why": "A backup is a full copy of the company's data. If it is stolen unencrypted, the loss is as "
                       "bad as losing the originals and may have to be reported as a data breach.",
                "how": "1. Check the encryption setting of each backup job and offsite target. 2. Confirm the key "
                       "or passphrase is also kept in the password manager or a sealed record. 3. Verify that the "
                       "transfer to the offsite location uses an encrypted connection.",
                "reference_url": _HHS_SECURITY,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["security", "backup", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
        ],
    },
    {
        "name": "Disaster recovery",
        "description": "Keeping the business running, or restarting it quickly, after a major outage, a disaster "
                       "or a cyberattack.",
        "standards": [
            {
                "name": "Written disaster recovery plan",
                "question": "Is there a written disaster recovery plan that has been reviewed in the last 12 "
                            "months?",
                "why": "In a crisis, people lose precious time deciding what to do first and whom to call. A "
                       "current written plan turns a chaotic day into a checklist and shortens the outage.",
                "how": "1. Ask for the plan and check the date of its last review. 2. Confirm it lists the "
                       "critical systems, the order in which to recover them, who does what and how to reach "
                       "them. 3. Check that systems added during the last year are included.",
                "reference_url": _NIST_CONTINGENCY,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["continuity", "planning"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
            {
                "name": "Recovery targets agreed",
                "question": "Has management agreed in writing how long each critical system may be down and how "
                            "much recent data it may lose?",
                "why": "Faster recovery costs more. When leadership sets the acceptable downtime and data loss "
                       "for each system, the IT budget follows real business needs instead of guesses.",
                "how": "1. Look for a business impact analysis or a table of recovery targets. 2. Check that each "
                       "critical system has a recovery time and a recovery point target. 3. Confirm the backup "
                       "schedule and the restore tests can actually meet those targets.",
                "reference_url": _READY_BUSINESS,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["continuity", "planning"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "Recovery exercise",
                "question": "Has the disaster recovery plan been exercised, at least as a tabletop walk-through, "
                            "in the last 12 months?",
                "why": "A plan that was never rehearsed tends to fail in small but costly ways: a missing "
                       "password, an old phone number, a forgotten step. An exercise finds those gaps while there "
                       "is still time to fix them.",
                "how": "1. Ask for the notes of the last exercise and check its date. 2. Confirm that business "
                       "leaders took part, not only IT. 3. Check that the lessons learned led to updates of the "
                       "plan.",
                "reference_url": "https://www.cisa.gov/resources-tools/services/cisa-tabletop-exercise-packages",
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["continuity", "planning"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
            {
                "name": "Plan reachable during an outage",
                "question": "Can the recovery plan, key contacts and emergency passwords be reached when the "
                            "company's own systems and email are down?",
                "why": "A plan stored only on the server that just failed is no help at all. A copy kept outside "
                       "the company's systems makes sure the people leading the recovery can actually use it.",
                "how": "1. Ask where the out-of-band copy of the plan is kept, for example on paper, in a separate "
                       "cloud account or in the MSP's documentation system. 2. Check that this copy matches the "
                       "current version. 3. Confirm at least two people know how to reach it.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/184/final",
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["continuity", "planning"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Working from another location",
                "question": "Can staff keep working from home or another site for at least a week if the office "
                            "becomes unusable?",
                "why": "Fires, floods and long power or internet outages do happen. If people can work elsewhere, "
                       "the company keeps serving its customers and keeps revenue coming in.",
                "how": "1. Confirm the key business applications can be reached securely from outside the "
                       "office. 2. Check that critical staff have laptops and remote access. 3. Ask when remote "
                       "work was last used by the whole company and whether problems came up.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/46/r2/final",
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["continuity", "remote-work"],
                "frameworks": ["NIST CSF 2.0"],
            },
        ],
    },
    {
        "name": "Email",
        "description": "Protecting the company's mail from phishing, impersonation and data leaks.",
        "standards": [
            {
                "name": "Email domain authentication",
                "question": "Does every domain that sends company email publish SPF, sign mail with DKIM and "
                            "enforce a DMARC policy of quarantine or reject?",
                "why": "Without these records, anyone can send email that seems to come from the company, for "
                       "example to trick customers into paying fake invoices. They also help the company's real "
                       "email land in inboxes rather than spam folders.",
                "how": "1. Look up the SPF, DKIM and DMARC records of each domain with a DNS lookup tool. "
                       "2. Confirm DKIM signing is on in the mail platform's admin center. 3. Check that the "
                       "DMARC policy is p=quarantine or p=reject and that its reports go to a watched mailbox.",
                "reference_url": "https://learn.microsoft.com/en-us/defender-office-365/email-authentication-about",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "email", "m365"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Phishing and malware filtering",
                "question": "Is all inbound email scanned for phishing, malicious links and dangerous attachments "
                            "before it reaches users?",
                "why": "Email is the most common way attackers reach staff. Good filtering stops most threats "
                       "before anyone gets the chance to click.",
                "how": "1. In the mail security console, confirm that anti-phishing, link checking and attachment "
                       "scanning policies apply to all users. 2. Check that quarantined messages are reviewed and "
                       "that users know how to report suspect mail. 3. Send a harmless test file, such as the "
                       "EICAR test string, and confirm it is blocked.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/177/r1/final",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "email"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "External forwarding blocked",
                "question": "Is automatic forwarding of company email to outside addresses blocked, apart from "
                            "approved and recorded exceptions?",
                "why": "A common trick after stealing a password is a hidden rule that copies every message to the "
                       "attacker. Blocking forwarding to outside addresses shuts down that quiet leak.",
                "how": "1. Check the automatic forwarding setting in the outbound policies of the mail admin "
                       "center. 2. Run a report of mailbox forwarding and inbox rules that point outside the "
                       "company. 3. Confirm each exception is approved and written down.",
                "reference_url": _CISA_SCUBA,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "email", "m365"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "External sender warning",
                "question": "Are messages from outside the company clearly marked as external when users read "
                            "them?",
                "why": "A visible warning makes staff pause before trusting a message that pretends to come from "
                       "their manager or a colleague. It is a cheap way to stop many impersonation attempts.",
                "how": "1. Check the external sender tagging setting or mail flow rule in the mail admin center. "
                       "2. Send a message from an outside account and confirm the warning shows in the desktop "
                       "mail client, on the web and on a phone.",
                "reference_url": _NIST_SMALL_BUSINESS,
                "priority": "low",
                "frequency": "yearly",
                "tags": ["security", "email"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Encrypted email for sensitive data",
                "question": "Can staff send encrypted email when a message contains sensitive personal, health or "
                            "financial information?",
                "why": "Ordinary email can be read or misdelivered on its way. Encryption keeps confidential "
                       "details private and helps meet privacy laws and client contracts.",
                "how": "1. Confirm a message encryption feature is licensed and turned on in the mail platform. "
                       "2. Check that staff know how to use it: a button, a keyword in the subject or an automatic "
                       "rule. 3. Send an encrypted test message to an outside mailbox and confirm it opens only "
                       "after the recipient is verified.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/45/ver2/final",
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["security", "email", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS"],
            },
        ],
    },
    {
        "name": "Antivirus and endpoint protection",
        "description": "Security software on every computer and server that detects, blocks and helps "
                       "investigate malicious activity.",
        "standards": [
            {
                "name": "Endpoint protection coverage",
                "question": "Is a managed endpoint detection and response (EDR) agent installed and reporting on "
                            "every workstation and server?",
                "why": "One unprotected computer is enough for an attacker to get a foothold. Full coverage means "
                       "every device is watched for suspicious behavior, not only for known viruses.",
                "how": "1. Compare the device count in the endpoint security console with the RMM inventory. "
                       "2. List devices missing from the console or not seen in the last 7 days. 3. Install or "
                       "repair the agent on each gap and record any approved exception.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/83/r1/final",
                "priority": "high",
                "frequency": "monthly",
                "tags": ["security", "endpoint"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Protection definitions current",
                "question": "Have all endpoint protection agents updated their engine and threat definitions "
                            "within the last 3 days?",
                "why": "New threats appear every day. Protection that stopped updating gives a false sense of "
                       "safety.",
                "how": "1. In the endpoint security console, sort devices by the date of their last definition "
                       "update. 2. Check that no device is more than 3 days behind. 3. Investigate and fix every "
                       "agent that is stuck or out of date.",
                "reference_url": _CIS_CONTROLS,
                "priority": "high",
                "frequency": "monthly",
                "tags": ["security", "endpoint"],
                "frameworks": ["HIPAA", "PCI DSS", "CIS"],
            },
            {
                "name": "Tamper protection",
                "question": "Is tamper protection turned on, so that users and malware cannot disable or "
                            "uninstall the endpoint protection?",
                "why": "Attackers try to switch off security software before they strike. Locking it down removes "
                       "that easy first step.",
                "how": "1. Check the tamper protection setting in the endpoint policy applied to all devices. "
                       "2. On a test computer, try to stop the protection as a local administrator and confirm it "
                       "is refused. 3. Confirm that uninstalling needs a password or the management console.",
                "reference_url": "https://learn.microsoft.com/en-us/defender-endpoint/"
                                 "prevent-changes-to-security-settings-with-tamper-protection",
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "endpoint"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Security alerts monitored around the clock",
                "question": "Are endpoint security alerts watched 24 hours a day, with an agreed response time for "
                            "critical alerts?",
                "why": "Attacks often start at night or over a weekend, when nobody is looking. Round-the-clock "
                       "monitoring means an intruder is stopped within minutes instead of discovered on Monday.",
                "how": "1. Confirm which team or service watches alerts outside business hours. 2. Find the "
                       "agreed response time for critical alerts in the contract or runbook. 3. Review the last "
                       "few critical alerts and compare their response times with that target.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/61/r3/final",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "endpoint", "monitoring"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
        ],
    },
    {
        "name": "Firewalls",
        "description": "The devices and services that control traffic between the company network and the "
                       "internet.",
        "standards": [
            {
                "name": "Firewall support and subscriptions",
                "question": "Is every firewall covered by vendor support, with its security subscriptions active "
                            "for at least the next 90 days?",
                "why": "An unsupported firewall no longer gets security fixes, and its threat filtering quietly "
                       "stops when subscriptions lapse. The company could be exposed without anyone noticing.",
                "how": "1. Open the firewall console or the vendor portal and note the support and subscription "
                       "end dates. 2. Check each date is at least 90 days away, or that the renewal is ordered. "
                       "3. Confirm the model is not on the vendor's end-of-life list.",
                "reference_url": _NIST_FIREWALLS,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "network", "lifecycle"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0"],
            },
            {
                "name": "Firewall firmware",
                "question": "Is every firewall running the vendor's recommended firmware release, checked within "
                            "the last 90 days?",
                "why": "Firewalls face the internet, which makes them a favorite target. Vendors regularly fix "
                       "serious flaws in them, and an out-of-date firewall can let attackers straight in.",
                "how": "1. Note the running firmware version in the firewall console. 2. Compare it with the "
                       "vendor's recommended release and recent security advisories. 3. If it is behind, confirm "
                       "an update is booked for the next maintenance window.",
                "reference_url": _CISA_KEV,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "network", "patching"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Firewall rule review",
                "question": "Have all firewall rules been reviewed in the last 6 months, leaving no unused rules "
                            "and no inbound rule that allows any source to any destination?",
                "why": "Rules pile up over the years, and every forgotten opening is a possible way in. A regular "
                       "review keeps only the access the business actually needs.",
                "how": "1. Export the rule set and find the date of the last documented review. 2. Look for rules "
                       "with no hits, temporary rules past their end date and wide-open inbound rules. 3. Confirm "
                       "each remaining rule has a business reason and an owner.",
                "reference_url": "https://www.pcisecuritystandards.org/document_library/",
                "priority": "high",
                "frequency": "semiannual",
                "tags": ["security", "network", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Firewall administration access",
                "question": "Can the firewall be managed only from the internal network or a trusted VPN, with "
                            "MFA, and never directly from the internet?",
                "why": "A management page open to the internet invites password guessing and attacks on the "
                       "device itself. Limiting who can reach it protects the device that protects everything "
                       "else.",
                "how": "1. Check which interfaces allow HTTPS or SSH management in the firewall settings. 2. From "
                       "outside the office, try to open the management page on the public address and confirm it "
                       "fails. 3. Confirm administrator logins use named accounts with MFA.",
                "reference_url": _NIST_FIREWALLS,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "network"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Intrusion prevention and web filtering",
                "question": "Are intrusion prevention and web content filtering turned on for all internet "
                            "traffic?",
                "why": "These features block known attacks and dangerous websites before they reach staff "
                       "computers. They add a second safety net behind the protection on each computer.",
                "how": "1. Confirm the intrusion prevention and web filtering profiles are attached to every "
                       "internet policy. 2. Check that their signatures updated within the last day. 3. Browse to "
                       "a test page in a blocked category and confirm it is refused.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/94/final",
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "network"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
    {
        "name": "Routers",
        "description": "Internet connections, provider equipment and the routers that link each office to the "
                       "outside world.",
        "standards": [
            {
                "name": "No default router passwords",
                "question": "Have the default administrator passwords been replaced by unique, stored passwords "
                            "on every router and provider device?",
                "why": "Default passwords are published online and are among the first things attackers try. "
                       "Changing them closes a door that should never have been open.",
                "how": "1. List every router, modem and provider device from the network documentation. 2. Confirm "
                       "each has its own admin password in the password manager. 3. Try the vendor's default "
                       "login on one device and confirm it no longer works.",
                "reference_url": _CIS_CONTROLS,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["security", "network"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Backup internet connection",
                "question": "Does each main office have a second internet connection that takes over "
                            "automatically when the first one fails?",
                "why": "Phones, cloud applications and email all depend on the internet, so one outage can stop "
                       "the whole company. A backup line keeps people working while the provider fixes the fault.",
                "how": "1. Check the network diagram and router settings for a second provider or a cellular "
                       "backup. 2. Confirm that failover is automatic. 3. Ask when failover was last tested, or "
                       "unplug the main line at a quiet time and confirm traffic moves over.",
                "reference_url": _READY_BUSINESS,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["continuity", "network"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Router support and firmware",
                "question": "Is every router still supported by its vendor and running firmware released in the "
                            "last 12 months?",
                "why": "Routers that no longer get updates are a known target: attackers take them over and use "
                       "them for their own purposes. Replacing them in time removes a hidden weak spot.",
                "how": "1. Record the model and firmware version of each router. 2. Check the vendor's "
                       "end-of-life list and its latest firmware release. 3. Schedule an update or a replacement "
                       "for every device that fails either check.",
                "reference_url": _NIST_NETWORK,
                "priority": "medium",
                "frequency": "semiannual",
                "tags": ["security", "network", "lifecycle"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Remote management and UPnP disabled",
                "question": "Are remote management from the internet and UPnP turned off on every router and "
                            "provider device?",
                "why": "These settings let outsiders, or devices inside the office, open holes in the network "
                       "without anyone approving it. Turning them off keeps the IT team in control of what is "
                       "exposed.",
                "how": "1. Review the router settings for management from the internet side, UPnP and similar "
                       "features. 2. Confirm they are off, or limited to the MSP's fixed addresses. 3. Run an "
                       "external port scan of the public address and confirm no management port answers.",
                "reference_url": _CISA_ESSENTIALS,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["security", "network"],
                "frameworks": ["PCI DSS", "CIS"],
            },
            {
                "name": "Network configuration backup",
                "question": "Is the configuration of every router, firewall and switch backed up automatically "
                            "after each change?",
                "why": "When a network device dies, rebuilding its settings is often the slowest part of the "
                       "repair. A saved configuration turns a day-long outage into an hour.",
                "how": "1. Check the configuration backup tool or the RMM for each network device. 2. Confirm the "
                       "latest saved copy is newer than the last change. 3. Open one saved file to make sure it "
                       "is complete and readable.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/128/upd1/final",
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["continuity", "network"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
    {
        "name": "Switches",
        "description": "The wired network inside the office that connects computers, phones, printers and "
                       "servers.",
        "standards": [
            {
                "name": "Network segmentation",
                "question": "Are guests, staff computers, servers, phones and smart devices kept on separate "
                            "network segments (VLANs)?",
                "why": "On a flat network, one infected laptop or camera can reach everything. Separating groups "
                       "of devices contains an attack and shields the most valuable systems.",
                "how": "1. Review the VLAN plan and the switch configuration. 2. Confirm guest, voice, server and "
                       "camera or other smart devices each have their own segment. 3. Check that the firewall "
                       "filters traffic between segments instead of allowing everything.",
                "reference_url": _NIST_NETWORK,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["security", "network"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Unused switch ports",
                "question": "Are unused switch ports disabled or placed in an isolated network segment?",
                "why": "A live network socket in a meeting room or lobby lets anyone plug in and join the company "
                       "network. Turning off unused ports removes that easy way in.",
                "how": "1. Export the port status from each switch. 2. Find ports that have had no link for 30 "
                       "days or more. 3. Confirm they are shut down or assigned to a dead-end VLAN.",
                "reference_url": _CIS_CONTROLS,
                "priority": "medium",
                "frequency": "semiannual",
                "tags": ["security", "network"],
                "frameworks": ["PCI DSS", "CIS"],
            },
            {
                "name": "Switch support and firmware",
                "question": "Is every switch within vendor support and running the current recommended firmware?",
                "why": "Switches run for years without attention, so they are easily forgotten. An unsupported "
                       "switch cannot be repaired quickly when it fails or fixed when a flaw is found.",
                "how": "1. List switch models, serial numbers and firmware versions from the management console. "
                       "2. Check support end dates and current firmware with the vendor. 3. Put every unsupported "
                       "switch on the roadmap for replacement.",
                "reference_url": _NIST_CONTROLS,
                "priority": "medium",
                "frequency": "semiannual",
                "tags": ["network", "lifecycle"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Switch monitoring",
                "question": "Are switches monitored so that a device going offline, a failed uplink or a rise in "
                            "port errors raises an alert?",
                "why": "Network trouble usually shows warning signs before it becomes an outage. Monitoring lets "
                       "the MSP act before staff notice slow or dropped connections.",
                "how": "1. Confirm each switch appears in the network monitoring tool. 2. Check that alerts are set "
                       "for offline devices, links going down and error counts. 3. Review recent alerts and "
                       "confirm they reached the service desk.",
                "reference_url": _NIST_CSF,
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["network", "monitoring"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Managed switches only",
                "question": "Are all switches managed models whose settings can be configured and checked "
                            "remotely?",
                "why": "Unmanaged switches cannot be secured, segmented or watched. They make problems harder to "
                       "find and fix, which means longer downtime.",
                "how": "1. Walk the network closets and desks and list every switch, including small desktop "
                       "ones. 2. Identify models without a management interface. 3. Plan their replacement, or "
                       "confirm they serve only non-critical areas.",
                "reference_url": _NIST_NETWORK,
                "priority": "low",
                "frequency": "yearly",
                "tags": ["network", "lifecycle"],
                "frameworks": ["CIS"],
            },
        ],
    },
    {
        "name": "Wireless",
        "description": "Wi-Fi for staff and for visitors.",
        "standards": [
            {
                "name": "Staff Wi-Fi encryption",
                "question": "Does the staff Wi-Fi use WPA3 or WPA2-Enterprise, with WEP, WPA and open modes turned "
                            "off?",
                "why": "Weak Wi-Fi security lets someone in the parking lot listen in or join the network. Modern "
                       "encryption keeps the wireless network as private as the wired one.",
                "how": "1. Check the security mode of each staff network in the wireless controller. 2. Confirm "
                       "that WEP, the first version of WPA, TKIP and open modes are disabled. 3. Connect a laptop "
                       "and confirm the security type it shows.",
                "reference_url": _NIST_WIRELESS,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["security", "wireless"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Guest Wi-Fi isolation",
                "question": "Is guest Wi-Fi separated from the company network, so that guests can reach the "
                            "internet only?",
                "why": "Visitors' devices are unknown and may be infected. Keeping them apart protects company "
                       "computers, files and printers.",
                "how": "1. Check that the guest network has its own VLAN or isolation setting. 2. Join the guest "
                       "Wi-Fi and try to reach an internal server or printer; it should fail. 3. Confirm client "
                       "isolation stops guests from seeing each other's devices.",
                "reference_url": _NIST_WIRELESS,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "wireless"],
                "frameworks": ["HIPAA", "PCI DSS", "CIS"],
            },
            {
                "name": "Wi-Fi key rotation",
                "question": "Is the staff Wi-Fi password changed whenever an employee leaves, or replaced by "
                            "individual sign-in?",
                "why": "A shared Wi-Fi password leaves with everyone who ever knew it. Changing it, or giving "
                       "each person their own sign-in, keeps former staff off the network.",
                "how": "1. Ask when the staff Wi-Fi key was last changed and compare with recent departures. 2. If "
                       "individual sign-in (802.1X) is used, confirm the accounts of leavers are disabled. 3. Check "
                       "the key is not posted on walls or shared with visitors.",
                "reference_url": _CISA_ESSENTIALS,
                "priority": "medium",
                "frequency": "semiannual",
                "tags": ["security", "wireless"],
                "frameworks": ["HIPAA", "CIS"],
            },
            {
                "name": "Access point management",
                "question": "Are all access points centrally managed, on current firmware, and checked for unknown "
                            "access points at least every quarter?",
                "why": "Unmanaged access points fall behind on updates and fail without notice, and a rogue one "
                       "can open the network to strangers. Central management keeps coverage reliable and safe.",
                "how": "1. Compare the access points in the controller or cloud portal with those seen on site. "
                       "2. Check that firmware is current on all of them. 3. Review the rogue access point report "
                       "for unknown devices broadcasting the company's network names.",
                "reference_url": _NIST_CONTROLS,
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["network", "wireless"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
    {
        "name": "Servers",
        "description": "Physical and virtual servers that hold shared files, business applications and directory "
                       "services.",
        "standards": [
            {
                "name": "Server disk space",
                "question": "Is at least 20 % of every server's system volume and data volumes free?",
                "why": "A full disk stops applications, databases and email. Watching free space prevents an "
                       "outage that is entirely avoidable.",
                "how": "1. Run the disk space report in the RMM for all servers. 2. List every volume with less "
                       "than 20 % free. 3. Confirm a cleanup or expansion is planned and that a low-space alert "
                       "is in place.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/123/final",
                "priority": "medium",
                "frequency": "monthly",
                "tags": ["servers", "performance"],
                "frameworks": [],
            },
            {
                "name": "Supported server operating system",
                "question": "Does every server run an operating system version that still receives security "
                            "updates from its vendor?",
                "why": "Once a vendor stops supporting a system, new security holes are never fixed. The company "
                       "also risks failing audits and cyber insurance requirements.",
                "how": "1. List server operating systems and versions from the RMM. 2. Check each one against the "
                       "vendor's lifecycle dates. 3. Add every server that reaches end of support within 12 "
                       "months to the roadmap.",
                "reference_url": _MS_LIFECYCLE,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "servers", "lifecycle"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Server hardware warranty",
                "question": "Is every physical server covered by a warranty or support contract with next "
                            "business day parts or better?",
                "why": "Without cover, a failed part can mean days of waiting and an unplanned bill. A support "
                       "contract keeps repairs quick and costs predictable.",
                "how": "1. Look up each server's serial number on the maker's warranty site or in the asset "
                       "system. 2. Note the end date and the service level. 3. Put renewals or replacements due in "
                       "the next 12 months in the budget.",
                "reference_url": _NIST_CONTROLS,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["servers", "lifecycle", "continuity"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Server health monitoring",
                "question": "Are servers monitored for hardware faults, stopped services and low resources, with "
                            "alerts sent to the MSP's service desk?",
                "why": "Most server failures give warning first: a failing disk, a stopped service, memory running "
                       "out. Monitoring turns those warnings into repairs before the business feels them.",
                "how": "1. Confirm each server has the RMM agent and a monitoring policy. 2. Check that hardware "
                       "health (disks, power supplies, temperature) reports through the maker's agent or "
                       "management card. 3. Review recent alerts and confirm tickets were created.",
                "reference_url": _NIST_CSF,
                "priority": "high",
                "frequency": "monthly",
                "tags": ["servers", "monitoring", "continuity"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Server room security",
                "question": "Are servers and network equipment kept in a locked room or cabinet that only "
                            "authorized people can open?",
                "why": "Anyone who can touch a server can steal it, damage it or copy its data. Physical security "
                       "is the foundation under every other protection.",
                "how": "1. Visit the server room or cabinet and confirm it is locked. 2. Ask who holds keys or "
                       "codes and compare with the approved list. 3. Check the space is not used for storage and "
                       "stays cool enough.",
                "reference_url": _HHS_SECURITY,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["security", "servers", "physical"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
            {
                "name": "Security log retention",
                "question": "Are security logs from servers collected centrally and kept for at least 90 days?",
                "why": "When something goes wrong, logs show what happened and how far it spread. Without them, "
                       "the company cannot tell customers, insurers or regulators what was affected.",
                "how": "1. Confirm servers send their security event logs to a central log service. 2. Check the "
                       "retention is at least 90 days, or longer where contracts or regulations ask for it. "
                       "3. Search for an event from about 60 days ago to prove the logs are really there.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/92/final",
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "logging", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
    {
        "name": "Desktops and laptops",
        "description": "The computers staff use every day, in the office, at home and on the road.",
        "standards": [
            {
                "name": "Full-disk encryption",
                "question": "Is full-disk encryption turned on for every laptop and desktop, with recovery keys "
                            "stored centrally?",
                "why": "A lost or stolen laptop is only an equipment cost when its disk is encrypted. Without "
                       "encryption, it can become a data breach that has to be reported.",
                "how": "1. Run the encryption status report in the RMM or device management console. 2. List every "
                       "device that is not fully encrypted. 3. Confirm a recovery key is stored in the directory "
                       "or management console for each encrypted device.",
                "reference_url": "https://learn.microsoft.com/en-us/windows/security/operating-system-security/"
                                 "data-protection/bitlocker/",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "endpoint", "remote-work"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Supported desktop operating system",
                "question": "Is every computer running an operating system version that still receives security "
                            "updates?",
                "why": "Computers on unsupported versions no longer get fixes, so every new flaw stays open for "
                       "good. They are also a common reason for failing insurance and compliance questionnaires.",
                "how": "1. Export operating system versions from the RMM. 2. Compare each one with the vendor's "
                       "lifecycle dates. 3. Plan an upgrade or replacement for every device past or near the end "
                       "of support.",
                "reference_url": _MS_LIFECYCLE,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "endpoint", "lifecycle"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Computer age",
                "question": "Is every business computer less than five years old, or already scheduled for "
                            "replacement?",
                "why": "Older computers are slower, break down more often and may not run current software. "
                       "Planned replacement spreads the cost and stops staff losing time to tired equipment.",
                "how": "1. Export purchase or warranty start dates from the asset inventory. 2. List devices older "
                       "than five years. 3. Confirm each one has a replacement quarter on the roadmap and in the "
                       "budget.",
                "reference_url": _CIS_CONTROLS,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["lifecycle", "productivity"],
                "frameworks": [],
            },
            {
                "name": "No everyday administrator rights",
                "question": "Do staff use standard user accounts, without local administrator rights, for their "
                            "daily work?",
                "why": "When users are administrators, any harmful program they open gets full control of the "
                       "computer. Removing those rights stops many attacks from installing themselves.",
                "how": "1. Run a report of the local administrators group on all computers. 2. Confirm only the "
                       "managed IT account and approved exceptions appear. 3. Check that an approval process exists "
                       "for installing software.",
                "reference_url": _CIS_CONTROLS,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "endpoint", "identity"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Unique local administrator passwords",
                "question": "Does every computer have its own local administrator password, rotated "
                            "automatically at least every 30 days?",
                "why": "If all computers share one admin password, an attacker who finds it on one machine can "
                       "open them all. Unique passwords stop one break-in from spreading.",
                "how": "1. Check that Windows LAPS or an equivalent RMM feature is enabled by policy. 2. Look up "
                       "the stored password of two computers and confirm they differ. 3. Confirm the rotation "
                       "period is 30 days or less.",
                "reference_url": "https://learn.microsoft.com/en-us/windows-server/identity/laps/laps-overview",
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "endpoint", "identity"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Automatic screen lock",
                "question": "Do computers lock automatically after no more than 15 minutes without activity?",
                "why": "An unlocked, unattended computer lets anyone passing by read or send information in that "
                       "employee's name. An automatic lock protects the company and its customers.",
                "how": "1. Check the inactivity lock setting in group policy or device management. 2. Leave a test "
                       "computer idle and confirm it locks within the set time. 3. Confirm the setting also "
                       "applies to laptops used at home.",
                "reference_url": _HHS_SECURITY,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["security", "endpoint", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS", "CIS"],
            },
        ],
    },
    {
        "name": "Power",
        "description": "Keeping equipment running through power cuts and protecting it from surges.",
        "standards": [
            {
                "name": "UPS for critical equipment",
                "question": "Are servers, firewalls, core switches and phone systems connected to a UPS that can "
                            "keep them running for at least 15 minutes?",
                "why": "Short power cuts are common, and a sudden shutdown can corrupt data or damage equipment. "
                       "A battery backup rides through brief outages and buys time for an orderly shutdown in "
                       "long ones.",
                "how": "1. Trace the power of each critical device to a UPS. 2. Read the estimated runtime at the "
                       "current load on the UPS display or management page. 3. Confirm it shows 15 minutes or "
                       "more.",
                "reference_url": _NIST_CONTINGENCY,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["continuity", "power"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "UPS battery health",
                "question": "Has every UPS passed a battery self-test in the last 90 days, with batteries younger "
                            "than the maker's recommended replacement age?",
                "why": "UPS batteries wear out after a few years and then fail exactly when the power goes. "
                       "Testing them and replacing them on time makes sure the protection is real.",
                "how": "1. Check the date and result of the last self-test on each UPS. 2. Compare the battery "
                       "install date with the maker's recommended replacement age, often three to five years. "
                       "3. Order replacements for every battery that failed or is due.",
                "reference_url": _NIST_CONTROLS,
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["continuity", "power"],
                "frameworks": [],
            },
            {
                "name": "Automatic safe shutdown",
                "question": "Do servers and storage shut down cleanly on their own before a UPS battery runs out?",
                "why": "When the battery runs flat, equipment that is still on simply drops. An automatic clean "
                       "shutdown protects databases and disks from damage and makes the restart faster.",
                "how": "1. Confirm the UPS management software or network card is linked to each server and "
                       "virtual host. 2. Check the shutdown starts with enough runtime left, for example five "
                       "minutes. 3. Review the log of the last test or real power cut to confirm it worked.",
                "reference_url": _NIST_CONTINGENCY,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["continuity", "power"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Power event alerts",
                "question": "Is every UPS monitored, so that power cuts, failing batteries and overloads send an "
                            "alert to the MSP?",
                "why": "If nobody knows the building is running on batteries, nobody can act before they run out. "
                       "Alerts let the MSP warn the client and protect systems in time.",
                "how": "1. Confirm each UPS reports to the RMM or the maker's cloud service through a network card "
                       "or USB link. 2. Check alerts exist for running on battery, low battery and failed "
                       "self-tests. 3. Check whether the last power event produced an alert.",
                "reference_url": _READY_POWER,
                "priority": "low",
                "frequency": "quarterly",
                "tags": ["power", "monitoring"],
                "frameworks": [],
            },
            {
                "name": "Surge protection",
                "question": "Are computers and other equipment without a UPS plugged into surge protectors rather "
                            "than directly into wall sockets?",
                "why": "Power spikes from storms or faulty wiring can destroy computers in an instant. Inexpensive "
                       "surge protection avoids lost equipment and lost work.",
                "how": "1. Walk the office and check how desktops, monitors and printers are plugged in. 2. Look "
                       "for power strips plugged into other power strips and remove them. 3. Replace surge "
                       "protectors whose protection light is off.",
                "reference_url": _READY_POWER,
                "priority": "low",
                "frequency": "yearly",
                "tags": ["continuity", "power"],
                "frameworks": [],
            },
        ],
    },
    {
        "name": "Cloud services",
        "description": "Cloud platforms and online services such as Microsoft 365, Google Workspace and hosted "
                       "applications.",
        "standards": [
            {
                "name": "Cloud service inventory",
                "question": "Is there an up-to-date list of every cloud service the company uses, with a business "
                            "owner for each one?",
                "why": "Staff sign up for online tools on their own, and company data ends up in places nobody "
                       "manages. Knowing what is in use is the first step to protecting it and controlling its "
                       "cost.",
                "how": "1. Review the list of cloud services in the documentation system. 2. Compare it with the "
                       "single sign-on apps, expense reports and any cloud app discovery report. 3. Confirm each "
                       "service has an owner and a note of the data it holds.",
                "reference_url": _CIS_CONTROLS,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["cloud", "governance"],
                "frameworks": ["HIPAA", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Cloud security score reviewed",
                "question": "Is the cloud tenant's security score, such as Microsoft Secure Score, reviewed every "
                            "quarter, with high-impact recommendations acted on?",
                "why": "Cloud platforms change constantly, and new protections often arrive switched off. A "
                       "regular review keeps the company's settings in line with the provider's advice.",
                "how": "1. Open the security score page in the cloud admin portal and note the current value. "
                       "2. Compare it with the previous quarter. 3. Check that high-impact recommendations are "
                       "done, planned, or accepted with a written reason.",
                "reference_url": "https://learn.microsoft.com/en-us/defender-xdr/microsoft-secure-score",
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "cloud", "m365"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Anonymous sharing links limited",
                "question": "Are 'anyone with the link' sharing links turned off, or set to expire within 30 days?",
                "why": "Links that anyone can open travel beyond the intended person and never expire on their "
                       "own. Limiting them keeps company documents from leaking by accident.",
                "how": "1. Check the external sharing settings in the SharePoint or Google Drive admin center. "
                       "2. Confirm anonymous links are off or expire within 30 days. 3. Run a sharing report to "
                       "find older anonymous links and remove them.",
                "reference_url": _CISA_SCUBA,
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "cloud", "m365"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "Cloud audit logging",
                "question": "Is audit logging turned on in every major cloud service, with records kept for at "
                            "least 90 days?",
                "why": "Audit logs show who signed in, what they opened and what they changed. Without them, a "
                       "break-in to email or files cannot be investigated or its impact measured.",
                "how": "1. Confirm audit logging is enabled in the Microsoft 365 or Google Workspace admin center. "
                       "2. Check the retention period that applies to the company's licenses. 3. Search for a "
                       "known event from last month to confirm records exist.",
                "reference_url": "https://learn.microsoft.com/en-us/purview/audit-solutions-overview",
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "cloud", "logging", "m365"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Agreements for regulated data",
                "question": "Does every cloud provider that stores health, payment or other regulated data have a "
                            "signed agreement covering its security duties?",
                "why": "The company stays responsible for regulated data even when a vendor holds it. A proper "
                       "agreement, such as a HIPAA business associate agreement, shares that responsibility and is "
                       "often a legal requirement.",
                "how": "1. In the cloud service list, mark the services that hold regulated data. 2. Ask for the "
                       "signed agreement or the vendor's compliance terms for each. 3. Record the agreement date "
                       "and where the copy is kept.",
                "reference_url": "https://www.hhs.gov/hipaa/for-professionals/special-topics/"
                                 "health-information-technology/cloud-computing/index.html",
                "priority": "high",
                "frequency": "yearly",
                "tags": ["cloud", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS"],
            },
            {
                "name": "Cloud license review",
                "question": "Are cloud subscriptions reviewed every quarter, so that no license is paid for an "
                            "unused account or a former employee?",
                "why": "Unused licenses are money spent for nothing, and the accounts of former staff are a "
                       "security risk. A quarterly review trims both.",
                "how": "1. Export the assigned licenses from the cloud admin center. 2. Match them against the "
                       "current staff list and last sign-in dates. 3. Remove or reassign licenses of accounts "
                       "unused for 30 days or belonging to people who left.",
                "reference_url": _CIS_CONTROLS,
                "priority": "low",
                "frequency": "quarterly",
                "tags": ["cloud", "cost", "m365"],
                "frameworks": [],
            },
        ],
    },
    {
        "name": "Business applications",
        "description": "Line-of-business software such as accounting, practice management, CRM and ERP systems.",
        "standards": [
            {
                "name": "Supported application versions",
                "question": "Is every line-of-business application on a version its vendor still supports?",
                "why": "Outdated business software stops getting fixes and may stop working after a Windows or "
                       "browser update. Staying on a supported version avoids surprise breakdowns in the tools "
                       "the company runs on.",
                "how": "1. List the main business applications and their versions. 2. Check the vendor's list of "
                       "supported versions, or ask the vendor. 3. Plan an upgrade for every version near or past "
                       "the end of support.",
                "reference_url": _NIST_CONTROLS,
                "priority": "high",
                "frequency": "semiannual",
                "tags": ["applications", "lifecycle"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
            {
                "name": "Application vendor details",
                "question": "Are the vendor support contacts, contract numbers and renewal dates recorded for "
                            "every business application?",
                "why": "When a critical application breaks, hunting for the right phone number or contract wastes "
                       "hours. Having it on file speeds up the fix and avoids missed renewals.",
                "how": "1. Open the documentation system and find the entry of each business application. 2. Check "
                       "the support contact, account number, contract end date and who at the client may call "
                       "the vendor. 3. Fill in anything missing or out of date.",
                "reference_url": _NIST_CSF,
                "priority": "low",
                "frequency": "yearly",
                "tags": ["applications", "documentation"],
                "frameworks": ["NIST CSF 2.0"],
            },
            {
                "name": "Application sign-in protection",
                "question": "Do business applications that hold customer or financial data require MFA, directly "
                            "or through single sign-on?",
                "why": "Many applications can be reached over the internet with just a password. A stolen "
                       "password could then open the company's financial or customer records.",
                "how": "1. For each application, check whether sign-in goes through single sign-on or has its own "
                       "MFA setting. 2. Confirm MFA is enforced for all users, not optional. 3. Note applications "
                       "that cannot support MFA and the extra safeguards used instead.",
                "reference_url": "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/"
                                 "what-is-single-sign-on",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "applications", "identity"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Application data in backups",
                "question": "Is the data of each business application included in the backups, with a restore "
                            "tested in the last 12 months?",
                "why": "Application databases are sometimes stored outside the usual backed-up folders, or hosted "
                       "by a vendor with unclear backup terms. Checking coverage avoids losing years of records.",
                "how": "1. Find where each application keeps its data: local database, file share or vendor "
                       "cloud. 2. Confirm that location is in the backup jobs, or that the vendor's backup terms "
                       "are on file. 3. Check the date of the last test restore of application data.",
                "reference_url": _NIST_CONTINGENCY,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["continuity", "backup", "applications"],
                "frameworks": ["HIPAA", "NIST CSF 2.0"],
            },
            {
                "name": "Application access review",
                "question": "Are user accounts and permissions in business applications reviewed at least twice a "
                            "year, with former staff removed?",
                "why": "Over time people change roles and keep access they no longer need. Regular reviews keep "
                       "sensitive data visible only to those who should see it.",
                "how": "1. Export the user list and roles from each application. 2. Have the business owner "
                       "confirm each account and role. 3. Remove or reduce access that is no longer needed and "
                       "record the review date.",
                "reference_url": _NIST_CONTROLS,
                "priority": "medium",
                "frequency": "semiannual",
                "tags": ["security", "applications", "identity"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
    {
        "name": "Identity and access",
        "description": "User accounts, passwords, multi-factor authentication and administrator rights.",
        "standards": [
            {
                "name": "MFA for all users",
                "question": "Is multi-factor authentication required for every user on email, cloud services and "
                            "remote access?",
                "why": "Stolen passwords are behind a large share of break-ins. A second factor stops most of these "
                       "attempts even when the password is known.",
                "how": "1. In the identity admin center, run the MFA registration and sign-in report. 2. Confirm "
                       "that conditional access or security defaults require MFA for all users. 3. List the "
                       "exclusions and check that each has a written reason.",
                "reference_url": "https://www.cisa.gov/mfa",
                "priority": "high",
                "frequency": "monthly",
                "tags": ["security", "identity", "m365"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Separate administrator accounts",
                "question": "Do administrators use separate admin accounts that are never used for email or web "
                            "browsing?",
                "why": "If an administrator's everyday account falls for a phishing email, the attacker gains full "
                       "control. Keeping admin rights on a separate account limits the damage.",
                "how": "1. List the accounts with administrator roles in the directory and the cloud tenant. "
                       "2. Confirm none of them has a mailbox or is used for daily work. 3. Check that admin "
                       "accounts require strong MFA.",
                "reference_url": _MS_ENTRA_ROLES,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "identity"],
                "frameworks": ["PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Few global administrators",
                "question": "Are there no more than four global administrators in the cloud tenant, each a named "
                            "person or a documented emergency account?",
                "why": "A global administrator can change anything, including the security settings. Keeping the "
                       "number small reduces the risk, while a documented emergency account avoids being locked "
                       "out.",
                "how": "1. Open the members of the global administrator role. 2. Count them and confirm each "
                       "belongs to a current, named person or a documented emergency account. 3. Move everyone "
                       "else to narrower roles.",
                "reference_url": _MS_ENTRA_ROLES,
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "identity", "m365"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Legacy sign-in blocked",
                "question": "Is legacy authentication, which cannot use MFA, blocked for all users in the cloud "
                            "tenant?",
                "why": "Old sign-in methods skip the second factor entirely, so attackers use them to get around "
                       "MFA. Blocking them closes that back door.",
                "how": "1. Check for a conditional access policy or tenant setting that blocks legacy "
                       "authentication. 2. Review the sign-in logs for recent attempts with old protocols. "
                       "3. Confirm every old device or app that relied on them was replaced or reconfigured.",
                "reference_url": "https://learn.microsoft.com/en-us/entra/identity/conditional-access/"
                                 "policy-block-legacy-authentication",
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "identity", "m365"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Prompt offboarding",
                "question": "Are the accounts of departing staff disabled by the end of their last working day?",
                "why": "A former employee who can still sign in can take data or cause harm, and an unwatched "
                       "account is easy prey for attackers. Fast offboarding protects the company.",
                "how": "1. Ask HR for the last three departures and their last working days. 2. Check in the "
                       "directory when each account was disabled. 3. Confirm that mailbox access, MFA devices and "
                       "shared passwords were handled as the offboarding checklist says.",
                "reference_url": _NIST_CONTROLS,
                "priority": "high",
                "frequency": "quarterly",
                "tags": ["security", "identity", "process"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Strong password rules",
                "question": "Do passwords require at least 14 characters and get checked against lists of known "
                            "breached passwords?",
                "why": "Short or common passwords are guessed in seconds by automated tools. Long passphrases and "
                       "blocking passwords known from past leaks make guessing impractical.",
                "how": "1. Review the password policy in the directory and the cloud tenant. 2. Confirm the "
                       "minimum length is 14 characters or more. 3. Check that a banned or breached password list "
                       "is turned on.",
                "reference_url": "https://pages.nist.gov/800-63-4/sp800-63b.html",
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["security", "identity"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
    {
        "name": "Security policy",
        "description": "The written rules, training and planning that make security part of how the company "
                       "works.",
        "standards": [
            {
                "name": "Information security policy",
                "question": "Is there a written information security policy, approved by management and reviewed "
                            "in the last 12 months?",
                "why": "Clear rules tell staff what is expected and show customers, insurers and auditors that "
                       "security is taken seriously. Many contracts and regulations require one.",
                "how": "1. Ask for the current policy and the record of its approval. 2. Check the review date is "
                       "within the last 12 months. 3. Confirm it covers acceptable use, passwords, data handling, "
                       "remote work and how to report an incident.",
                "reference_url": _NIST_CSF,
                "priority": "high",
                "frequency": "yearly",
                "tags": ["policy", "governance", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Security awareness training",
                "question": "Have all staff completed security awareness training in the last 12 months, and new "
                            "staff within 30 days of starting?",
                "why": "Criminals target people directly with fake emails, calls and messages. Trained staff spot "
                       "and report these tricks instead of falling for them.",
                "how": "1. Export completion records from the training platform. 2. Compare them with the current "
                       "staff list. 3. Follow up on anyone overdue and check new starters are enrolled "
                       "automatically.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/50/r1/final",
                "priority": "high",
                "frequency": "yearly",
                "tags": ["security", "training", "compliance"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Phishing simulations",
                "question": "Are simulated phishing emails sent to staff at least every quarter, with short "
                            "follow-up training for those who click?",
                "why": "Practice with realistic but harmless fake emails builds the habit of checking before "
                       "clicking. The results also show leadership how exposed the company really is.",
                "how": "1. Review the simulation schedule and the last four campaigns. 2. Check the click and "
                       "report rates and their trend. 3. Confirm that people who clicked received follow-up "
                       "training.",
                "reference_url": _NIST_SMALL_BUSINESS,
                "priority": "medium",
                "frequency": "quarterly",
                "tags": ["security", "training"],
                "frameworks": ["NIST CSF 2.0", "CIS"],
            },
            {
                "name": "Acceptable use acknowledged",
                "question": "Has every employee signed the current acceptable use policy, including the rules for "
                            "personal devices and remote work?",
                "why": "Staff cannot follow rules they have never seen. A signed acknowledgment sets clear "
                       "expectations and supports the company if a problem has to be addressed later.",
                "how": "1. Ask HR for the signed acknowledgments or the e-signature report. 2. Compare them with "
                       "the current staff list. 3. Confirm the version signed is the current one.",
                "reference_url": _NIST_CONTROLS,
                "priority": "medium",
                "frequency": "yearly",
                "tags": ["policy", "compliance", "remote-work"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
            {
                "name": "Security risk assessment",
                "question": "Has a security risk assessment been completed in the last 12 months, with its "
                            "findings tracked to completion?",
                "why": "A risk assessment shows where the company is most exposed and where money is best spent. "
                       "For health and payment data it is also a legal or contractual duty.",
                "how": "1. Ask for the latest risk assessment report and its date. 2. Check it covered all "
                       "locations, systems and kinds of sensitive data. 3. Confirm each finding has an owner, a "
                       "due date and a current status.",
                "reference_url": "https://www.hhs.gov/hipaa/for-professionals/security/guidance/"
                                 "guidance-risk-analysis/index.html",
                "priority": "high",
                "frequency": "yearly",
                "tags": ["compliance", "risk"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0"],
            },
            {
                "name": "Incident response plan",
                "question": "Is there an incident response plan that names who leads and who decides, and how to "
                            "reach the insurer, legal counsel and the MSP?",
                "why": "In the first hours of a cyberattack, wrong moves can destroy evidence, break insurance "
                       "terms or make the damage worse. A plan with names and numbers keeps the response calm "
                       "and fast.",
                "how": "1. Ask for the incident response plan and check it was reviewed in the last 12 months. "
                       "2. Confirm it lists roles, phone numbers for the cyber insurer, legal counsel and the MSP, "
                       "and who must be notified. 3. Check that key staff know where to find it.",
                "reference_url": "https://csrc.nist.gov/pubs/sp/800/61/r3/final",
                "priority": "high",
                "frequency": "yearly",
                "tags": ["security", "continuity", "planning"],
                "frameworks": ["HIPAA", "PCI DSS", "NIST CSF 2.0", "CIS"],
            },
        ],
    },
]
