"""The feed's ``$metadata``: its entity types in CSDL (OData's XML schema language).

Excel and Power BI read this document first to learn each column's name and type.
Plain data in, XML text out; no Flask and no database in here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET  # nosec B405  # builds XML, never parses any

EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
CORE = "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml"
NAMESPACE = "Engage"
CONTAINER = "Container"

INT64, INT32, STRING = "Edm.Int64", "Edm.Int32", "Edm.String"
DOUBLE, BOOLEAN = "Edm.Double", "Edm.Boolean"
DATETIME, DATE = "Edm.DateTimeOffset", "Edm.Date"


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    nullable: bool = True
    description: str = ""


@dataclass(frozen=True)
class EntitySet:
    name: str  # the set ("Responses"), which is also its address under the service root
    type_name: str  # the entity type ("Response")
    key: tuple[str, ...]
    properties: tuple[Property, ...]
    description: str = ""


def _described(element: ET.Element, text: str) -> None:
    if text:
        ET.SubElement(element, "Annotation", Term="Core.Description", String=text)


def document(sets: Sequence[EntitySet]) -> str:
    """The EDMX document for these entity sets, one entity type each."""
    ET.register_namespace("edmx", EDMX)
    root = ET.Element(f"{{{EDMX}}}Edmx", Version="4.0")
    reference = ET.SubElement(root, f"{{{EDMX}}}Reference", Uri=CORE)
    ET.SubElement(reference, f"{{{EDMX}}}Include", Namespace="Org.OData.Core.V1", Alias="Core")
    services = ET.SubElement(root, f"{{{EDMX}}}DataServices")
    schema = ET.SubElement(services, "Schema", xmlns=EDM, Namespace=NAMESPACE)
    for entity_set in sets:
        entity = ET.SubElement(schema, "EntityType", Name=entity_set.type_name)
        key = ET.SubElement(entity, "Key")
        for name in entity_set.key:
            ET.SubElement(key, "PropertyRef", Name=name)
        for prop in entity_set.properties:
            attributes = {"Name": prop.name, "Type": prop.type}
            if not prop.nullable or prop.name in entity_set.key:
                attributes["Nullable"] = "false"
            element = ET.SubElement(entity, "Property", attributes)
            _described(element, prop.description)
    container = ET.SubElement(schema, "EntityContainer", Name=CONTAINER)
    for entity_set in sets:
        element = ET.SubElement(
            container,
            "EntitySet",
            Name=entity_set.name,
            EntityType=f"{NAMESPACE}.{entity_set.type_name}",
        )
        _described(element, entity_set.description)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
